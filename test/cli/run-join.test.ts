import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { jobsDir, runCli, startCli, tempHome, waitFor } from '../helpers/cli.js';
import { freePort } from '../helpers/postgres.js';
import { backendTitle, storeBackends } from '../store/backends.js';

const backends = storeBackends();
const nodeJob = path.join(jobsDir, 'join-node.mjs');
const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

interface Member {
  key: string;
  node: string;
  status: string;
  exitCode?: number;
  command: string[];
  endTime?: number;
}
interface Shown {
  run: { id: string; status: string; exitCode?: number; joinKey?: string; members?: Member[]; endTime?: number };
  series: Array<{ name: string; kind: string; node?: string; count: number }>;
}

/** `runmeter show RUN --json` on a store, or on a server with --server. */
async function show(where: string[], home: string, ref = 'last'): Promise<Shown> {
  const result = await runCli(['show', ref, '--json', ...where], { home });
  if (result.code !== 0) throw new Error(`show failed: ${result.stderr.toString()}`);
  return JSON.parse(result.stdout.toString()) as Shown;
}

/** Starts `runmeter server` (the real binary) on a store; resolves with its URL once it listens. */
async function serve(location: string): Promise<string> {
  const port = await freePort();
  const { child } = startCli(['server', '--store', location, '--port', String(port)], { home: tempHome() });
  children.push(child);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  await waitFor(() => stderr.includes('server at http://'), 20_000, 'runmeter server to listen');
  return `http://127.0.0.1:${port}`;
}

/** The metric lines a job printed: what must be stored, point for point. */
const metricLines = (stdout: Buffer) =>
  stdout
    .toString()
    .split('\n')
    .filter((line) => line.startsWith('{"metric"')).length;

/** Starts one agent: `runmeter run --join KEY --node NODE ... -- node join-node.mjs DIR NODES COUNT CODE [hold]`. */
function agent(where: string[], home: string, key: string, node: string, job: string[]) {
  const started = startCli(['run', '--join', key, '--node', node, '--interval', '0.2', ...where, '--', process.execPath, nodeJob, ...job], { home });
  children.push(started.child);
  return started;
}

describe.each(backends)('runmeter run --join', (backend) => {
  describe.skipIf(backend.skip !== undefined)(backendTitle(backend, 'several agents, one run'), () => {
    it('two agents started at once on one store make ONE run with both nodes: points printed = points stored per node, output per node byte for byte, failed when one fails', async () => {
      const store = await backend.location();
      const where = ['--store', store];
      const dir = tempHome();
      const home = tempHome();
      const [a, b] = await Promise.all([
        agent(where, home, 'job-1234', 'a', [dir, 'a,b', '400', '0']).done,
        agent(where, home, 'job-1234', 'b', [dir, 'a,b', '300', '3']).done,
      ]);
      expect([a.code, b.code]).toEqual([0, 3]);
      const runs = JSON.parse((await runCli(['ls', '--json', ...where], { home })).stdout.toString()).runs;
      expect(runs).toHaveLength(1);
      const shown = await show(where, home);
      expect(shown.run).toMatchObject({ status: 'failed', exitCode: 3, joinKey: 'job-1234' });
      const members = shown.run.members ?? [];
      expect(members.map((m) => [m.node, m.status, m.exitCode]).sort()).toEqual([
        ['a', 'succeeded', 0],
        ['b', 'failed', 3],
      ]);
      expect(members.every((m) => m.command.at(-2) === (m.node === 'a' ? '400' : '300'))).toBe(true);
      const loss = (node: string) => shown.series.find((s) => s.name === 'loss' && s.node === node)?.count;
      expect([loss('a'), loss('b')]).toEqual([metricLines(a.stdout), metricLines(b.stdout)]);
      expect([loss('a'), loss('b')]).toEqual([400, 300]);
      // System metrics per node, and no series without a node.
      expect(new Set(shown.series.filter((s) => s.kind === 'system').map((s) => s.node))).toEqual(new Set(['a', 'b']));
      expect(shown.series.filter((s) => s.node === undefined)).toEqual([]);
      // Each node's output byte for byte with --node; all of them under headings without.
      expect((await runCli(['logs', 'last', '--node', 'a', '--stdout', ...where], { home })).stdout).toEqual(a.stdout);
      expect(b.stderr.toString()).toContain('node b done\n');
      expect((await runCli(['logs', 'last', '--node', 'b', '--stderr', ...where], { home })).stdout.toString()).toBe('node b done\n');
      const all = (await runCli(['logs', 'last', ...where], { home })).stdout.toString();
      expect(all).toContain(`==> node a <==\n${a.stdout.toString()}`);
      expect(all).toContain(`==> node b <==\n${b.stdout.toString()}`);
      const missing = await runCli(['logs', 'last', '--node', 'c', ...where], { home });
      expect([missing.code, missing.stderr.toString()]).toEqual([2, expect.stringMatching(/has no node "c"; its nodes: [ab], [ab]/)]);
      const table = (await runCli(['ls', ...where], { home })).stdout.toString();
      expect(table).toMatch(/join-node\.mjs \[2 nodes\]\s+failed/);
    }, 120_000);

    it('two agents on two machines (homes) post to one runmeter server: ONE run, every point once per node', async () => {
      const store = await backend.location();
      const url = await serve(store);
      const dir = tempHome();
      const [homeA, homeB] = [tempHome(), tempHome()];
      const [a, b] = await Promise.all([
        agent(['--server', url], homeA, 'slurm-77', 'a', [dir, 'a,b', '500', '0']).done,
        agent(['--server', url], homeB, 'slurm-77', 'b', [dir, 'a,b', '250', '0']).done,
      ]);
      expect([a.code, b.code], `${a.stderr}${b.stderr}`).toEqual([0, 0]);
      const where = ['--store', store];
      expect(JSON.parse((await runCli(['ls', '--json', ...where], { home: homeA })).stdout.toString()).runs).toHaveLength(1);
      const shown = await show(where, homeA);
      expect(shown.run).toMatchObject({ status: 'succeeded', exitCode: 0, joinKey: 'slurm-77' });
      const loss = (node: string) => shown.series.find((s) => s.name === 'loss' && s.node === node)?.count;
      expect([loss('a'), loss('b')]).toEqual([metricLines(a.stdout), metricLines(b.stdout)]);
      expect([loss('a'), loss('b')]).toEqual([500, 250]);
      // Read back through the server too: each node's bytes as its agent printed them.
      expect((await runCli(['logs', 'last', '--node', 'b', '--stdout', '--server', url], { home: homeA })).stdout).toEqual(b.stdout);
      const remote = await show(['--server', url], homeA);
      expect(remote.run.members?.map((m) => m.node).sort()).toEqual(['a', 'b']);
      // The dashboard's log view reads one node at a time.
      const logs = await (await fetch(`${url}/api/v1/runs/${remote.run.id}/logs?node=b&stream=stdout&offset=0`)).json();
      expect(logs).toMatchObject({ node: 'b', text: b.stdout.toString(), size: b.stdout.length });
      expect((await fetch(`${url}/api/v1/runs/${remote.run.id}/logs?node=zz`)).status).toBe(404);
      // The dashboard draws each node's system metrics as lines of one chart, labelled with the node.
      const { series } = (await (await fetch(`${url}/api/v1/runs/${remote.run.id}/series`)).json()) as {
        series: Array<{ name: string; chart: { key: string; label: string } }>;
      };
      const cpu = series.filter((s) => s.name === 'system/cpu_percent');
      expect(cpu.map((s) => s.chart.label).sort()).toEqual(['machine (a)', 'machine (b)']);
      expect(new Set(cpu.map((s) => s.chart.key)).size).toBe(1);
    }, 120_000);
  });
});

describe('runmeter run --join on a SQLite store', () => {
  it('an agent joining after the others ended reopens the run: running while it runs, then the worst status of all', async () => {
    const where = ['--store', tempHome()];
    const dir = tempHome();
    const home = tempHome();
    const first = await Promise.all([agent(where, home, 'k', 'a', [dir, 'a,b', '5', '0']).done, agent(where, home, 'k', 'b', [dir, 'a,b', '5', '0']).done]);
    expect(first.map((r) => r.code)).toEqual([0, 0]);
    const ended = await show(where, home);
    expect(ended.run.status).toBe('succeeded');
    const late = agent(where, home, 'k', 'c', [dir, 'c', '5', '1', 'hold']).done;
    await waitFor(async () => (await show(where, home)).run.members?.length === 3, 20_000, 'the third member');
    const reopened = await show(where, home);
    expect(reopened.run.status).toBe('running');
    expect(reopened.run.endTime).toBeUndefined();
    fs.writeFileSync(path.join(dir, 'release'), '');
    expect((await late).code).toBe(1);
    const final = await show(where, home);
    expect(final.run).toMatchObject({ status: 'failed', exitCode: 1 });
    expect(final.run.id).toBe(ended.run.id);
    expect(final.run.endTime).toBeGreaterThan(ended.run.endTime as number);
  }, 120_000);

  it('a node whose agent died is lost, and the run with it once the others end', async () => {
    const where = ['--store', tempHome()];
    const dir = tempHome();
    const home = tempHome();
    const a = agent(where, home, 'k2', 'a', [dir, 'a,b', '3', '0', 'hold']);
    const b = agent(where, home, 'k2', 'b', [dir, 'a,b', '3', '0']);
    expect((await b.done).code).toBe(0);
    await waitFor(async () => (await show(where, home)).run.members?.length === 2, 20_000, 'both members');
    a.child.kill('SIGKILL');
    await a.done;
    fs.writeFileSync(path.join(dir, 'release'), '');
    const shown = await show(where, home);
    expect(shown.run.members?.map((m) => [m.node, m.status]).sort()).toEqual([
      ['a', 'lost'],
      ['b', 'succeeded'],
    ]);
    expect(shown.run.status).toBe('lost');
  }, 120_000);

  it('--join auto takes $SLURM_JOB_ID, else $TORCHELASTIC_RUN_ID; without --join, neither joins; no key is a usage error naming the flag', async () => {
    const store = tempHome();
    const home = tempHome();
    const run = (args: string[], env: NodeJS.ProcessEnv) =>
      runCli(['run', ...args, '--store', store, '--no-system', '--', process.execPath, '-e', 'console.log("hi")'], {
        home,
        env: { SLURM_JOB_ID: undefined, TORCHELASTIC_RUN_ID: undefined, RUNMETER_NODE: undefined, ...env },
      });
    expect((await run(['--join', 'auto'], { SLURM_JOB_ID: '4242', TORCHELASTIC_RUN_ID: 'x' })).code).toBe(0);
    expect((await show(['--store', store], home)).run).toMatchObject({ joinKey: '4242' });
    expect((await run(['--join', 'auto'], { TORCHELASTIC_RUN_ID: 'elastic-9', RUNMETER_NODE: 'gpu07' })).code).toBe(0);
    const elastic = await show(['--store', store], home);
    expect(elastic.run.joinKey).toBe('elastic-9');
    expect(elastic.run.members?.map((m) => m.node)).toEqual(['gpu07']);
    expect((await run([], { SLURM_JOB_ID: '4242' })).code).toBe(0);
    expect((await show(['--store', store], home)).run.joinKey).toBeUndefined();
    const none = await run(['--join', 'auto'], { TORCHELASTIC_RUN_ID: 'none' });
    expect(none.code).toBe(2);
    expect(none.stderr.toString()).toMatch(/--join auto takes the key from \$SLURM_JOB_ID or \$TORCHELASTIC_RUN_ID/);
    const lonely = await run(['--node', 'a'], {});
    expect([lonely.code, lonely.stderr.toString()]).toEqual([2, expect.stringContaining('give --join KEY with it')]);
    const bad = await run(['--join', 'k', '--node', 'a/b'], {});
    expect([bad.code, bad.stderr.toString()]).toEqual([2, expect.stringContaining('--node must be a node name')]);
    expect((await runCli(['run', '--help'], { home })).stdout.toString()).toMatch(/--join <key>[\s\S]*SLURM_JOB_ID[\s\S]*TORCHELASTIC_RUN_ID/);
  }, 120_000);
});
