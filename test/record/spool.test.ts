import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RecordBatch } from '../../src/model/batch.js';
import { columnsOf } from '../../src/model/columns.js';
import { findSpools, readSpooledBatch, Spool } from '../../src/record/spool.js';
import { runCli, showJson, tempHome } from '../helpers/cli.js';

const deadPid = (): number => spawnSync(process.execPath, ['-e', '0']).pid as number;
const meta = (runId: string, pid = process.pid) => ({ runId, producer: 'test/1', location: 'nowhere', pid, created: Date.now() });
const batch = (runId: string, seq: number, from: number, to: number, create = false): RecordBatch => {
  const points = [];
  for (let i = from; i < to; i++) points.push({ series: { name: 'loss', kind: 'training' as const }, time: 1_000 + i, step: i, value: i });
  const run = { id: runId, name: 'spooled', command: ['x'], cwd: '/tmp', host: 'box', user: 'ada', startTime: 1_000, version: '0', source: 'run' as const };
  return { runId, producer: 'test/1', seq, series: columnsOf(points), ...(create ? { run } : {}) };
};
const mode = (file: string) => fs.statSync(file).mode & 0o777;

/** A batch of `points` points and `kb` KB of output at `offset` of stdout. */
const withOutput = (seq: number, points: number, kb: number): RecordBatch => {
  const bytes = new Uint8Array(kb * 1024).fill(48 + (seq % 10));
  return {
    ...batch('r9', seq + 1, seq * points, (seq + 1) * points),
    output: [{ stream: 'stdout', offset: seq * kb * 1024, length: bytes.length, time: 1_000 + seq, bytes }],
  };
};

describe('Spool', () => {
  it('stays within its bound by dropping the oldest output, never a point, and says so once', () => {
    const said: string[] = [];
    const spool = new Spool([path.join(tempHome(), 'spool')], meta('r9'), { maxBytes: 200 * 1024, warn: (message) => said.push(message) });
    const files = Array.from({ length: 10 }, (_, seq) => spool.write(withOutput(seq, 100, 50)));
    const total = files.reduce((sum, file) => sum + fs.statSync(file).size, 0);
    expect(total).toBeLessThanOrEqual(200 * 1024);
    const read = files.map((file) => readSpooledBatch(file));
    // Every point of every batch is there; output only in the newest batches, and all of theirs.
    expect(read.map((b) => b.series?.[0]?.value.length)).toEqual(Array(10).fill(100));
    const kept = read.map((b) => b.output?.[0]?.bytes?.length ?? 0);
    expect(kept.slice(-3)).toEqual([51200, 51200, 51200]);
    expect(kept.slice(0, 7)).toEqual(Array(7).fill(0));
    expect(spool.droppedOutputBytes).toBe(7 * 51200);
    expect(said).toEqual(['the spool for nowhere reached its limit (200.0 KB): the oldest output in it is dropped, every metric point is kept']);
    // A batch sent and removed gives its room back.
    for (const file of files.slice(-3)) spool.remove(file);
    spool.write(withOutput(10, 100, 50));
    expect(readSpooledBatch(spool.write(withOutput(11, 100, 50))).output?.[0]?.bytes?.length).toBe(51200);
  });

  it('keeps the newest output of a single batch that holds more than the spool has room for', () => {
    const spool = new Spool([path.join(tempHome(), 'spool')], meta('r9'), { maxBytes: 200 * 1024, warn: () => {} });
    const pieces = Array.from({ length: 10 }, (_, i) => ({
      stream: 'stdout' as const,
      offset: i * 51200,
      length: 51200,
      time: 1_000 + i,
      bytes: new Uint8Array(51200).fill(48 + i),
    }));
    const read = readSpooledBatch(spool.write({ ...batch('r9', 1, 0, 100), output: pieces }));
    expect(read.series?.[0]?.value.length).toBe(100);
    expect(read.output?.map((piece) => piece.offset)).toEqual([7, 8, 9].map((i) => i * 51200));
    expect(spool.droppedOutputBytes).toBe(7 * 51200);
  });

  it('keeps batches in a private folder (0700) and files (0600), read back as written', () => {
    const base = path.join(tempHome(), 'spool');
    const spool = new Spool([base], meta('r1'));
    const file = spool.write(batch('r1', 1, 0, 10));
    expect(mode(base)).toBe(0o700);
    expect(mode(spool.folder as string)).toBe(0o700);
    expect(mode(file)).toBe(0o600);
    const [read] = readSpooledBatch(file).series ?? [];
    expect(Array.from(read?.value ?? [])).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(Array.from(read?.step ?? [])).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('refuses a base that is a planted symbolic link, and uses the next base', () => {
    const home = tempHome();
    const target = path.join(home, 'elsewhere');
    fs.mkdirSync(target);
    const planted = path.join(home, 'planted');
    fs.symlinkSync(target, planted);
    const fallback = path.join(home, 'fallback');
    const spool = new Spool([planted, fallback], meta('r2'));
    spool.write(batch('r2', 1, 0, 5));
    expect(fs.readdirSync(target)).toEqual([]);
    expect(path.dirname(spool.folder as string)).toBe(fallback);
  });

  it('never writes through a link planted where a batch file will go', () => {
    const home = tempHome();
    const spool = new Spool([path.join(home, 'spool')], meta('r3'));
    spool.write(batch('r3', 1, 0, 5));
    const victim = path.join(home, 'victim');
    fs.writeFileSync(victim, 'keep me');
    fs.symlinkSync(victim, path.join(spool.folder as string, '000000000002.batch'));
    expect(() => spool.write(batch('r3', 2, 5, 10))).not.toThrow(); // EEXIST: kept as is, not followed
    expect(fs.readFileSync(victim, 'utf8')).toBe('keep me');
  });

  it("passes over another user's folder and links when looking for spools", () => {
    const base = path.join(tempHome(), 'spools');
    const spool = new Spool([base], meta('r4', deadPid()));
    spool.write(batch('r4', 1, 0, 5));
    const foreign = new Spool([base], meta('r5', deadPid()));
    foreign.write(batch('r5', 1, 0, 5));
    fs.chownSync(foreign.folder as string, 65534, 65534);
    fs.symlinkSync(spool.folder as string, path.join(base, 'link'));
    expect(findSpools([base]).map((s) => s.meta.runId)).toEqual(['r4']);
  });
});

describe('runmeter sync of spools', () => {
  it('adds a dead recorder’s spool exactly once when two syncs run at once', async () => {
    const home = tempHome();
    const base = path.join(home, 'spools');
    const spool = new Spool([base], meta('rs', deadPid()));
    for (let seq = 1; seq <= 40; seq++) spool.write(batch('rs', seq, (seq - 1) * 50, seq * 50, seq === 1));
    const [a, b] = await Promise.all([runCli(['sync', '--from', base], { home }), runCli(['sync', '--from', base], { home })]);
    expect(a.code, a.stderr.toString()).toBe(0);
    expect(b.code, b.stderr.toString()).toBe(0);
    expect((await showJson(home, 'rs')).series.find((s) => s.name === 'loss')?.count).toBe(2000);
    expect(fs.existsSync(spool.folder as string)).toBe(false);
  }, 30_000);

  it('leaves the spool of a recorder that still runs alone', async () => {
    const home = tempHome();
    const base = path.join(home, 'spools');
    const spool = new Spool([base], meta('live', process.pid));
    spool.write(batch('live', 1, 0, 10, true));
    await runCli(['sync', '--from', base], { home });
    expect(findSpools([base]).map((s) => s.batches.length)).toEqual([1]);
  }, 30_000);
});
