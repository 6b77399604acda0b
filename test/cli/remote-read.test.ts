import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { columnsOf } from '../../src/model/columns.js';
import { RemoteStore } from '../../src/store/http/remote-store.js';
import { realFixtures, runCli, startCli, tempHome } from '../helpers/cli.js';
import { freePort } from '../helpers/postgres.js';
import { t0 } from '../helpers/store.js';
import { remoteRun } from '../server/team-helpers.js';
import { backendTitle, storeBackends } from '../store/backends.js';

const backends = storeBackends();
const servers: ChildProcess[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.kill('SIGKILL');
});

/** Starts `runmeter server` (the real binary) on a store; resolves with its URL once it listens. */
async function serve(location: string): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const { child } = startCli(['server', '--store', location, '--port', String(port)], { home: tempHome() });
  servers.push(child);
  let stderr = '';
  await new Promise<void>((resolve, reject) => {
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (stderr.includes('server at http://')) resolve();
    });
    child.on('exit', () => reject(new Error(`runmeter server exited: ${stderr}`)));
  });
  return { url: `http://127.0.0.1:${port}`, child };
}

/** `runmeter token create NAME`: the token it prints once. */
async function createToken(location: string, name: string): Promise<string> {
  const created = await runCli(['token', 'create', name, '--store', location], { home: tempHome() });
  expect(created.code).toBe(0);
  return created.stdout.toString().trim();
}

/** A run bigger than one page of every store API read: 60,000 points, 10,500 output pieces, bytes that are not UTF-8. */
function bigRunBatch(runId: string) {
  const points = [];
  for (let i = 0; i < 60_000; i++)
    points.push({ series: { name: 'loss', kind: 'training' as const }, time: t0 + i, step: i, value: i % 997 === 0 ? Number.NaN : 1 / (i + 1) });
  points.push({ series: { name: 'lr', kind: 'training' as const }, time: t0, step: 0, value: Number.POSITIVE_INFINITY });
  const output = [];
  let offset = 0;
  for (let i = 0; i < 10_500; i++) {
    const bytes = Buffer.concat([Buffer.from(`step ${i} loss=${1 / (i + 1)}\r`), Buffer.from([0xff, 0xfe, 0xe2, 0x82]), Buffer.from('\n')]);
    output.push({ stream: 'stdout' as const, offset, length: bytes.length, time: t0 + i, bytes });
    offset += bytes.length;
  }
  output.push({ stream: 'stderr' as const, offset: 0, length: 6, time: t0 + 5, bytes: Buffer.from('warn\xe9\n', 'latin1') });
  return {
    runId,
    producer: 'test',
    seq: 1,
    run: remoteRun(runId, { name: 'big' }),
    update: { status: 'succeeded' as const, exitCode: 0, endTime: t0 + 60_000 },
    params: { lr: 0.1 },
    series: columnsOf(points),
    output,
  };
}

for (const backend of backends) {
  describe.skipIf(backend.skip !== undefined)(backendTitle(backend, 'ls, show, logs and export read a runmeter server'), () => {
    it('print the same bytes remotely (--server, or RUNMETER_SERVER) as on the store itself, a page at a time', async () => {
      const location = await backend.location();
      const home = tempHome();
      const log = path.join(realFixtures, 'logs', 'keras1_verbose1.log');
      expect((await runCli(['import', log, '--name', 'keras', '--store', location], { home })).code).toBe(0);
      const store = backend.open(location);
      await store.applyBatch(bigRunBatch('bigrun0000001'));
      const token = await createToken(location, 'alice');
      const server = await serve(location);

      const local = (args: string[]) => runCli([...args, '--store', location], { home });
      const byFlag = (args: string[]) => runCli([...args, '--server', server.url, '--token', token], { home });
      const byEnv = (args: string[]) => runCli(args, { home, env: { RUNMETER_SERVER: server.url, RUNMETER_TOKEN: token } });
      const reads = [
        ['ls'],
        ['ls', '--json'],
        ['show', 'keras'],
        ['show', 'big', '--json'],
        ['logs', 'keras'],
        ['logs', 'big'],
        ['logs', 'big', '--stderr'],
        ['export', 'big', '--format', 'csv'],
        ['export', 'keras', '--format', 'jsonl'],
      ];
      for (const args of reads) {
        const expected = await local(args);
        expect(expected.code, `${args.join(' ')}: ${expected.stderr}`).toBe(0);
        // The environment's way is checked on a few reads; the flag's on all.
        for (const remote of args[0] === 'ls' || args[1] === 'big' ? [byFlag, byEnv] : [byFlag]) {
          const got = await remote(args);
          expect(got.stderr.toString(), args.join(' ')).toBe(expected.stderr.toString());
          expect(got.stdout.equals(expected.stdout), `${args.join(' ')} differs remotely`).toBe(true);
        }
      }
      // The reads above did cross pages: the big run's log holds 10,500 pieces and non-UTF-8 bytes, its loss 60,000 points.
      const bigLog = (await byFlag(['logs', 'big'])).stdout;
      expect(bigLog.length).toBeGreaterThan(10_500 * 20);
      expect(bigLog.subarray(0, 22)).toEqual(Buffer.concat([Buffer.from('step 0 loss=1\r'), Buffer.from([0xff, 0xfe, 0xe2, 0x82, 0x0a, 0x73, 0x74, 0x65])]));
      expect((await byEnv(['export', 'big', '--format', 'csv'])).stdout.toString().split('\n').length).toBeGreaterThan(60_000);
      // A missing run reads as it does locally.
      const missing = await byEnv(['show', 'kerass']);
      expect(missing.code).toBe(1);
      expect(missing.stderr.toString()).toBe((await local(['show', 'kerass'])).stderr.toString());
    }, 300_000);

    it('a wrong or revoked token names the server and where the token came from; a server that is down is said in one line', async () => {
      const location = await backend.location();
      const home = tempHome();
      await createToken(location, 'alice');
      const revoked = await createToken(location, 'bob');
      expect((await runCli(['token', 'revoke', 'bob', '--store', location], { home })).code).toBe(0);
      const server = await serve(location);

      const viaFlag = await runCli(['ls', '--server', server.url, '--token', 'not-a-token'], { home });
      expect(viaFlag.code).toBe(1);
      expect(viaFlag.stderr.toString()).toBe(
        `runmeter: runmeter server ${server.url} (from --server) refused the token from --token: pass --token TOKEN or set RUNMETER_TOKEN ` +
          "(runmeter token create NAME --store ... on the server's store makes one)\n",
      );
      const viaEnv = await runCli(['show', 'last'], { home, env: { RUNMETER_SERVER: server.url, RUNMETER_TOKEN: revoked } });
      expect(viaEnv.stderr.toString()).toContain(`runmeter server ${server.url} (from RUNMETER_SERVER) refused the token from RUNMETER_TOKEN`);
      const none = await runCli(['logs', 'last'], { home, env: { RUNMETER_SERVER: server.url } });
      expect(none.stderr.toString()).toContain('needs a token and none was given: pass --token TOKEN or set RUNMETER_TOKEN');

      server.child.kill('SIGKILL');
      await new Promise((resolve) => server.child.once('exit', resolve));
      const down = await runCli(['ls', '--json'], { home, env: { RUNMETER_SERVER: server.url, RUNMETER_TOKEN: 'x' } });
      expect(down.code).toBe(1);
      const lines = down.stderr.toString().trimEnd().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`^runmeter: cannot reach runmeter server ${server.url} \\(from RUNMETER_SERVER\\): ECONNREFUSED`));
      expect(down.stdout.length).toBe(0);
    }, 60_000);
  });
}

describe('a remote store is read-only', () => {
  it('refuses every change, naming the command, the server and what to do instead', async () => {
    const remote = new RemoteStore({ url: 'http://127.0.0.1:1/', urlFrom: '--server', command: 'show' });
    for (const change of [() => remote.deleteRuns(), () => remote.applyBatch(), () => remote.addToken()]) {
      await expect(change()).rejects.toMatchObject({
        code: 'E_REMOTE_READ_ONLY',
        message: expect.stringMatching(/^runmeter show cannot .* on runmeter server http:\/\/127\.0\.0\.1:1 \(named by --server\).*--store/),
      });
    }
    expect(remote.outputFile()).toBeUndefined();
  });

  it('--server with --store is a usage error naming both', async () => {
    const result = await runCli(['ls', '--server', 'http://127.0.0.1:1', '--store', tempHome()], { home: tempHome() });
    expect(result.code).toBe(2);
    expect(result.stderr.toString()).toContain('--server and --store name two places to read runs from');
  });

  it('rm and gc never read RUNMETER_SERVER: they change the store on this machine', async () => {
    const home = tempHome();
    const result = await runCli(['gc', '--older-than', '1d', '-y'], { home, env: { RUNMETER_SERVER: 'http://127.0.0.1:1' } });
    expect(result.code).toBe(0);
  });
});
