import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { jobsDir, runCli, startCli, tempHome, waitFor } from '../helpers/cli.js';
import { freePort } from '../helpers/postgres.js';

const job = (name: string) => path.join(jobsDir, name);
const node = process.execPath;
const servers: ChildProcess[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.kill('SIGKILL');
});

/** Starts `runmeter server` (the real binary) on a SQLite store, on `port`; resolves once it listens. */
async function serve(store: string, port: number): Promise<ChildProcess> {
  const { child } = startCli(['server', '--store', store, '--port', String(port)], { home: tempHome() });
  servers.push(child);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  await waitFor(() => stderr.includes('server at http://'), 20_000, 'runmeter server to listen');
  return child;
}

/** A server's store with a token, a free port for it (not listening yet), and a runmeter home with the server's env. */
async function team(): Promise<{ store: string; token: string; port: number; url: string; home: string; env: NodeJS.ProcessEnv }> {
  const store = tempHome();
  const token = (await runCli(['token', 'create', 'ci', '--store', store], { home: tempHome() })).stdout.toString().trim();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  return { store, token, port, url, home: tempHome(), env: { RUNMETER_SERVER: url, RUNMETER_TOKEN: token } };
}

const printed = '{"metric": "loss", "value": 0.25, "step": 1}\n{"metric": "loss", "value": NaN, "step": 2}\n{"metric": "accuracy", "value": 0.5, "epoch": 1}\n';

describe('runmeter run --server', () => {
  it('records the run on the server: its points once and its output byte for byte', async () => {
    const { store, token, port, url, home } = await team();
    await serve(store, port);
    const result = await runCli(['run', '--server', url, '--token', token, '--no-system', '--', node, job('print-and-exit.mjs'), '0'], { home });
    expect(result.code).toBe(0);
    expect(result.stdout.toString()).toBe(printed);
    expect(result.stderr.toString()).toContain(`in ${url}`);
    const shown = JSON.parse((await runCli(['show', 'last', '--json', '--store', store], { home })).stdout.toString());
    expect(shown.run.status).toBe('succeeded');
    expect(shown.series.find((s: { name: string }) => s.name === 'loss').count).toBe(2);
    expect((await runCli(['logs', 'last', '--store', store], { home })).stdout.toString()).toBe(printed);
  });

  it('keeps the run in a spool while the server is down, and `runmeter sync --server` adds it once', async () => {
    const { store, port, home, env } = await team();
    const result = await runCli(['run', '--no-system', '--', node, job('print-and-exit.mjs'), '3'], { home, env });
    expect(result.code).toBe(3);
    expect(result.stdout.toString()).toBe(printed);
    expect(result.stderr.toString()).toMatch(/points wait in \S+/);
    await serve(store, port);
    const synced = await runCli(['sync'], { home, env });
    expect(synced.stdout.toString()).toMatch(/^added 3 points/);
    expect((await runCli(['sync'], { home, env })).stdout.toString()).toMatch(/^nothing waits for /);
    const shown = JSON.parse((await runCli(['show', 'last', '--json', '--store', store], { home })).stdout.toString());
    expect(shown.run).toMatchObject({ status: 'failed', exitCode: 3 });
    expect(shown.series.reduce((n: number, s: { count: number }) => n + s.count, 0)).toBe(3);
    expect((await runCli(['logs', 'last', '--store', store], { home })).stdout.toString()).toBe(printed);
  });

  it("records what the job logs through the Python client's channel and the Node SDK in the run on the server, and record --stdio and import record there too", async () => {
    const { store, token, port, url, home } = await team();
    await serve(store, port);
    const script = `${job('channel-client.mjs')} 3000 300 && ${node} ${job('sdk-log.mjs')} 200`;
    const result = await runCli(['run', '--server', url, '--token', token, '--no-system', '--', 'sh', '-c', `${node} ${script}`], { home });
    expect(result.code, result.stderr.toString()).toBe(0);
    const shown = JSON.parse((await runCli(['show', 'last', '--json', '--store', store], { home })).stdout.toString());
    expect(shown.run).toMatchObject({ status: 'succeeded', params: { lr: 0.1, from: 'sdk' }, tags: ['channel'] });
    const count = (name: string) => shown.series.find((s: { name: string }) => s.name === name)?.count;
    expect([count('loss'), count('sdk_loss')]).toEqual([3000, 200]);
    const runs = JSON.parse((await runCli(['ls', '--json', '--store', store], { home })).stdout.toString()).runs;
    expect(runs).toHaveLength(1);

    // Outside runmeter run, the client's own recorder (record --stdio) records on the server too.
    const hello = JSON.stringify({ type: 'hello', version: 1, name: 'notebook' });
    const points = JSON.stringify({ type: 'points', points: [['acc', null, Date.now(), 1, null, 0.5]] });
    const stdio = await runCli(['record', '--stdio'], {
      home,
      env: { RUNMETER_SERVER: url, RUNMETER_TOKEN: token },
      input: `${hello}\n${points}\n{"type":"end","id":1}\n`,
    });
    expect(stdio.stdout.toString()).toMatch(/"type":"ended"/);
    const notebook = JSON.parse((await runCli(['show', 'notebook', '--json', '--store', store], { home })).stdout.toString());
    expect(notebook.run.status).toBe('succeeded');
    expect(notebook.series.find((s: { name: string }) => s.name === 'acc')?.count).toBe(1);

    // runmeter import too: the log's points and its bytes, on the server.
    const log = path.join(home, 'old.log');
    fs.writeFileSync(log, printed);
    const imported = await runCli(['import', log], { home, env: { RUNMETER_SERVER: url, RUNMETER_TOKEN: token } });
    expect(imported.stdout.toString(), imported.stderr.toString()).toMatch(/^imported .*old\.log as run \S+ \(old\.log\): 3 points in 2 series/);
    const old = JSON.parse((await runCli(['show', 'old.log', '--json', '--store', store], { home })).stdout.toString());
    expect(old.run).toMatchObject({ status: 'succeeded', source: 'import' });
    expect((await runCli(['logs', 'old.log', '--store', store], { home })).stdout.toString()).toBe(printed);
  });

  it('bounds the spool while the server is down: the oldest output goes, every point is kept and shipped by sync', async () => {
    const { store, port, home, env } = await team();
    // 20,000 metric lines padded to about 4 MB of output, into a 1 MB spool.
    const result = await runCli(['run', '--no-system', '--spool-limit', '1', '--', node, job('paced-metrics.mjs'), '20000', '1', '200'], { home, env });
    expect(result.code).toBe(0);
    const printed = result.stdout.toString();
    expect(printed.length).toBeGreaterThan(4_000_000);
    expect(result.stderr.toString()).toContain('reached its limit (1.0 MB): the oldest output in it is dropped, every metric point is kept');
    await serve(store, port);
    expect((await runCli(['sync'], { home, env })).code).toBe(0);
    const shown = JSON.parse((await runCli(['show', 'last', '--json', '--store', store], { home })).stdout.toString());
    expect(shown.series.find((s: { name: string }) => s.name === 'loss')?.count).toBe(20_000);
    const logs = (await runCli(['logs', 'last', '--store', store], { home })).stdout.toString();
    expect(logs.endsWith(printed.slice(-10_000))).toBe(true); // the newest output is there
  });

  it('refuses --server with --store, and a URL that is not http', async () => {
    const both = await runCli(['run', '--server', 'http://127.0.0.1:1', '--store', tempHome(), '--', node, '-e', '0'], { home: tempHome() });
    expect(both.code).toBe(2);
    expect(both.stderr.toString()).toContain('--server and --store exclude each other');
    const bad = await runCli(['run', '--server', 'db.internal:8080', '--', node, '-e', '0'], { home: tempHome() });
    expect(bad.stderr.toString()).toContain('--server expects an http:// or https:// URL, got "db.internal:8080"');
  });
});
