import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open.js';
import { runCli, startCli, tempHome } from '../helpers/cli.js';
import { recordedRun } from './helpers.js';

// Spawns the built CLI: run `npx tsc -p tsconfig.json` first.
let home: string;
let runId: string;
beforeAll(async () => {
  home = tempHome();
  const store = openStore(undefined, { RUNMETER_HOME: home });
  runId = await recordedRun(store, home);
  await store.close();
});
afterAll(() => fs.rmSync(home, { recursive: true, force: true }));

describe('runmeter export', () => {
  it('writes CSV to stdout', async () => {
    const result = await runCli(['export', 'last', '--format', 'csv'], { home });
    expect(result.stderr.toString()).toBe('');
    expect(result.code).toBe(0);
    const lines = result.stdout.toString().trimEnd().split('\n');
    expect(lines[0]).toBe('run,series,kind,context,rank,node,device,time,time_ms,step,epoch,value');
    expect(lines).toHaveLength(7);
  });

  it('writes JSON Lines to a file with -o', async () => {
    const file = path.join(home, 'out', 'run.jsonl');
    fs.mkdirSync(path.dirname(file));
    const result = await runCli(['export', runId.slice(0, 4), '--format', 'jsonl', '-o', file], { home });
    expect(result.code).toBe(0);
    expect(result.stdout.toString()).toBe('');
    const lines = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(lines.map((line) => JSON.parse(line).run)).toEqual(Array(6).fill(runId));
    expect(fs.readdirSync(path.dirname(file))).toEqual(['run.jsonl']);
  });

  it('writes PROV-JSON from another store with --store, linking to the data file given', async () => {
    const other = tempHome();
    const store = openStore(other, {});
    const otherId = await recordedRun(store, other);
    await store.close();
    const result = await runCli(['export', 'mnist-cnn', '--format', 'prov-json', '--store', other, '--data-file', 'metrics.csv', '--inline-limit', '0'], {
      home,
    });
    expect(result.code).toBe(0);
    const doc = JSON.parse(result.stdout.toString());
    expect(doc.activity['run:execution']['yprov:run_id']).toBe(otherId);
    expect(doc.entity['run:metric/training/loss']['dcterms:identifier']).toBe('metrics.csv');
    expect(doc.entity['run:metric/training/loss']).not.toHaveProperty('runmeter:values');
  });

  it('stops quietly with status 0 when the reader closes the pipe early, as `| head` does', async () => {
    const big = tempHome();
    const store = openStore(big, {});
    const run = await store.createRun({ name: 'big', command: [], cwd: '/', host: 'h', user: 'u', startTime: 0, version: '0', source: 'sdk' });
    const series = { name: 'loss', kind: 'training' as const };
    await store.appendPoints(
      run.id,
      Array.from({ length: 200_000 }, (_, i) => ({ series, time: i, value: i })),
    );
    await store.close();
    const { child, done } = startCli(['export', 'big', '--format', 'csv', '--store', big], { home });
    child.stdout?.once('data', () => child.stdout?.destroy());
    const result = await done;
    expect(result.stderr.toString()).toBe('');
    expect(result.code).toBe(0);
  });

  it('exits 2 naming the formats when --format is missing or unknown', async () => {
    const missing = await runCli(['export', 'last'], { home });
    expect(missing.code).toBe(2);
    expect(missing.stderr.toString()).toContain('--format is required: one of csv, jsonl, prov-json');
    const unknown = await runCli(['export', 'last', '--format', 'parquet'], { home });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr.toString()).toContain('expected --format to be one of csv, jsonl, prov-json, got "parquet"');
  });

  it('exits 1 naming the closest run when RUN matches none, and leaves no file behind', async () => {
    const file = path.join(home, 'missing.csv');
    const result = await runCli(['export', 'mnist-cn', '--format', 'csv', '-o', file], { home });
    expect(result.code).toBe(1);
    expect(result.stderr.toString()).toMatch(/no run matches "mnist-cn".*closest names: mnist-cnn/);
    expect(fs.readdirSync(home).filter((f) => f.includes('missing'))).toEqual([]);
  });
});
