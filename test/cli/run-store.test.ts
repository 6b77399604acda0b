import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/sqlite/database-file.js';
import { jobsDir, runCli, showJson, startCli, tempHome, waitFor } from '../helpers/cli.js';

const job = (name: string) => path.join(jobsDir, name);
const node = process.execPath;

describe('runmeter run and its store', () => {
  it('passes a burst of output through while another process holds the store locked, then records all of it', async () => {
    const home = tempHome();
    // Create the store, then hold its write lock as a busy writer would.
    expect((await runCli(['run', '-q', '--no-system', '--', node, '-e', '0'], { home })).code).toBe(0);
    const db = openDatabase(path.join(home, 'runmeter.db'), false);
    db.exec('BEGIN IMMEDIATE');
    const { child, done } = startCli(['run', '-q', '--no-system', '--name', 'locked', '--', node, job('burst-then-wait.mjs'), '50000'], { home });
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => (out += chunk));
    try {
      // 50,000 lines are far more than a pipe holds: they come through only if nothing waits on the lock.
      await waitFor(() => out.includes('ready'), 15_000, "the job's whole burst to pass through while the store is locked");
    } finally {
      db.exec('ROLLBACK');
      db.close();
    }
    const count = async () => ((await showJson(home, 'locked')).series.find((s) => s.name === 'loss')?.count as number | undefined) ?? 0;
    await waitFor(async () => (await count().catch(() => 0)) === 50_000, 20_000, 'every point stored once the lock is gone');
    child.kill('SIGTERM');
    expect((await done).code).toBe(143);
  });

  it('records the git commit and whether the tree has changes', async () => {
    const home = tempHome();
    const repo = fs.mkdtempSync(path.join(home, 'repo-'));
    const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf8' }).trim();
    git('init', '-q');
    fs.writeFileSync(path.join(repo, 'train.py'), 'print(1)\n');
    git('add', 'train.py');
    git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qm', 'first');
    const head = git('rev-parse', 'HEAD');
    await runCli(['run', '-q', '--no-system', '--', node, '-e', '0'], { home, cwd: repo });
    expect((await showJson(home)).run).toMatchObject({ gitCommit: head, gitDirty: false });
    fs.appendFileSync(path.join(repo, 'train.py'), 'print(2)\n');
    await runCli(['run', '-q', '--no-system', '--', node, '-e', '0'], { home, cwd: repo });
    expect((await showJson(home)).run).toMatchObject({ gitCommit: head, gitDirty: true });
  });

  it('says what a script with a missing #! interpreter lacks, with exit 127', async () => {
    const home = tempHome();
    const script = path.join(home, 'train.sh');
    fs.writeFileSync(script, '#!/no/such/python9\nprint(1)\n', { mode: 0o755 });
    const result = await runCli(['run', '--', script], { home });
    expect(result.code).toBe(127);
    expect(result.stderr.toString()).toContain(`cannot run ${script}: its interpreter /no/such/python9 (from its #! line) was not found`);
  });

  it('refuses to delete a running run unless told --force', async () => {
    const home = tempHome();
    const { child, done } = startCli(['run', '--name', 'live', '--', node, job('wait-for-signal.mjs')], { home });
    let err = '';
    child.stderr?.on('data', (chunk: Buffer) => (err += chunk));
    await waitFor(() => err.includes('recording run'), 10_000, 'the run to exist');
    const refused = await runCli(['rm', 'live', '--yes'], { home });
    expect(refused.code).toBe(1);
    expect(refused.stderr.toString()).toMatch(/live\) is still running; stop the job first, or add --force/);
    expect((await showJson(home, 'live')).run.status).toBe('running');
    child.kill('SIGTERM');
    await done;
    expect((await runCli(['rm', 'live', '--yes'], { home })).code).toBe(0);
  });

  it('names the newest runs when an unknown run resembles none of them', async () => {
    const home = tempHome();
    await runCli(['run', '-q', '--no-system', '--name', 'mnist-baseline', '--', node, '-e', '0'], { home });
    const result = await runCli(['show', 'zzzzzzzz'], { home });
    expect(result.code).toBe(1);
    expect(result.stderr.toString()).toContain('the newest names are mnist-baseline (runmeter ls lists them all)');
  });

  it('shows flag defaults in the units the flags take', async () => {
    const help = (await runCli(['run', '--help'], { home: tempHome() })).stdout.toString().replace(/\s+/g, ' ');
    expect(help).toContain('report system metrics every this many seconds (default: 5)');
    expect(help).toContain('read system metrics every this many seconds (default: 1)');
    expect(help).toContain('kill the job this many seconds later (default: 10)');
  });

  it("ends the job's output when runmeter's reader goes away, so the job meets the closed pipe as it would without runmeter", async () => {
    const home = tempHome();
    const run = startCli(['run', '--no-system', '--name', 'endless', '--', node, job('write-until-broken.mjs')], { home });
    let got = 0;
    run.child.stdout?.on('data', (chunk: Buffer) => {
      got += chunk.length;
      if (got > 1e6) run.child.stdout?.destroy();
    });
    const result = await run.done;
    expect(result.code).toBe(32);
    expect(result.stderr.toString()).toMatch(/write failed: (EPIPE|ECONNRESET)/);
    expect((await showJson(home, 'endless')).run).toMatchObject({ status: 'failed', exitCode: 32 });
  });
});
