import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importLog } from '../../src/cli/import-log.js';
import { openStore } from '../../src/store/open.js';
import { cliPath, realFixtures, runCli, showJson, tempHome } from '../helpers/cli.js';

function copyLog(name: string, mtime: Date): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runmeter-import-'));
  const file = path.join(dir, name);
  fs.copyFileSync(path.join(realFixtures, 'logs', name), file);
  fs.utimesSync(file, mtime, mtime);
  return file;
}

describe('runmeter import', () => {
  it('records a finished run with the points of the log and the log itself as its stdout', async () => {
    const home = tempHome();
    const file = copyLog('keras3_verbose1.log', new Date('2026-01-01T01:00:00Z'));
    const result = await runCli(['import', file, '--name', 'old keras', '--started', '2026-01-01T00:00:00Z'], { home });
    expect(result.code).toBe(0);
    expect(result.stdout.toString()).toMatch(/^imported .* as run \w+ \(old keras\): 15 points in 5 series from 25\.\d KB\n$/);
    const { run, series } = await showJson(home);
    expect(run).toMatchObject({ name: 'old keras', status: 'succeeded', source: 'import', command: ['import', file] });
    const loss = series.find((s) => s.name === 'val_loss');
    expect(loss).toMatchObject({ kind: 'training', context: 'validation', count: 3, firstEpoch: 1, lastEpoch: 3 });
    // Spread over the hour from --started to the file's last change, by position in the file.
    const start = Date.parse('2026-01-01T00:00:00Z');
    expect(loss?.firstTime as number).toBeGreaterThan(start);
    expect(loss?.lastTime as number).toBeLessThanOrEqual(start + 3_600_000);
    const logs = await runCli(['logs', 'last'], { home });
    expect(logs.stdout.equals(fs.readFileSync(file))).toBe(true);
  });

  it("uses the lines' own timestamps when they have them, and records ranks", async () => {
    const home = tempHome();
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'runmeter-import-')), 'ts.log');
    fs.writeFileSync(
      file,
      '2025-06-01T10:00:00Z [rank1]:{"metric": "loss", "value": 0.5, "step": 1}\n2025-06-01T10:00:30Z [rank1]:{"metric": "loss", "value": 0.4, "step": 2}\n',
    );
    expect((await runCli(['import', file], { home })).code).toBe(0);
    const { series } = await showJson(home);
    expect(series).toHaveLength(1);
    expect(series[0]).toMatchObject({
      name: 'loss',
      rank: 1,
      count: 2,
      firstTime: Date.parse('2025-06-01T10:00:00Z'),
      lastTime: Date.parse('2025-06-01T10:00:30Z'),
    });
  });

  it('reports progress while it reads, as the progress bar shows it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runmeter-import-store-'));
    const store = openStore(path.join(dir, 'store.db'));
    const file = copyLog('tqdm.stderr', new Date());
    const seen: Array<[number, number]> = [];
    const result = await importLog(store, file, { onProgress: (done, total) => seen.push([done, total]) });
    await store.close();
    expect(result.points).toBe(4);
    expect(seen.at(-1)).toEqual([38_996, 38_996]);
  });

  it('spreads points without timestamps over the run by where their line is in the file', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runmeter-import-spread-'));
    const file = path.join(dir, 'spread.log');
    const lines: string[] = [];
    for (let step = 1; step <= 8; step++)
      lines.push(`${'plain text a training script printed\n'.repeat(step * 7)}{"metric": "loss", "value": ${step / 10}, "step": ${step}}\n`);
    const log = lines.join('');
    fs.writeFileSync(file, log);
    const started = Date.parse('2026-01-01T00:00:00Z');
    const span = 3_600_000;
    fs.utimesSync(file, new Date(started + span), new Date(started + span));
    const store = openStore(path.join(dir, 'store.db'));
    await importLog(store, file, { started });
    const [series] = await store.listSeries((await store.listRuns())[0]?.id as string);
    const data = await store.querySeries(series?.id as number, { x: 'time', buckets: 100 });
    await store.close();
    expect(data.total).toBe(8);
    // Each point at the place its line ends, as a share of the hour from --started to the file's last change.
    let end = 0;
    const expected = lines.map((block) => {
      end += Buffer.byteLength(block);
      return started + (span * end) / log.length;
    });
    expect(data.last).toEqual([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8]);
    for (let i = 0; i < 8; i++) expect(Math.abs((data.xs[i] as number) - (expected[i] as number)), `point ${i + 1}`).toBeLessThanOrEqual(1);
    for (let i = 1; i < 8; i++) expect(data.xs[i] as number).toBeGreaterThan(data.xs[i - 1] as number);
  });

  it('says what is wrong with a missing file or a bad --started', async () => {
    const home = tempHome();
    const missing = await runCli(['import', 'nowhere.log'], { home });
    expect(missing.code).toBe(2);
    expect(missing.stderr.toString()).toBe('runmeter: cannot import nowhere.log: no such file\n');
    const bad = await runCli(['import', path.join(realFixtures, 'logs', 'tqdm.stderr'), '--started', 'yesterday'], { home });
    expect(bad.code).toBe(2);
    expect(bad.stderr.toString()).toContain('--started expects an ISO date-time');
  });
});

describe('runmeter import on a terminal', () => {
  it('shows a progress bar on stderr for a large file, and clears it', async () => {
    const { createRequire } = await import('node:module');
    const pty = createRequire(import.meta.url)('@lydell/node-pty') as {
      spawn(
        file: string,
        args: string[],
        options: { env: NodeJS.ProcessEnv; cwd: string; cols: number; rows: number },
      ): {
        onData(listener: (data: string) => void): void;
        onExit(listener: (event: { exitCode: number }) => void): void;
      };
    };
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runmeter-import-tty-'));
    const file = path.join(dir, 'big.log');
    const block = `${'plain text a training script printed\n'.repeat(2000)}{"metric": "loss", "value": 0.5, "step": 1}\n`;
    fs.writeFileSync(file, block.repeat(Math.ceil((17 * 1024 * 1024) / block.length)));
    const home = tempHome();
    let output = '';
    const code = await new Promise<number>((resolve) => {
      const child = pty.spawn(process.execPath, [cliPath, 'import', file], {
        env: { ...process.env, RUNMETER_HOME: home, RUNMETER_STORE: '' },
        cwd: dir,
        cols: 120,
        rows: 20,
      });
      child.onData((data) => {
        output += data;
      });
      child.onExit((event) => resolve(event.exitCode));
    });
    expect(code).toBe(0);
    expect(output).toMatch(/importing big\.log \[=*\s*\] +\d+% /);
    expect(output).toContain('100%');
    expect(output).toContain('\r\u001b[K');
    expect(output).toMatch(/imported .*big\.log as run \w+ \(big\.log\): \d+ points in 1 series/);
  });
});
