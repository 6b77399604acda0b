// The store on node:sqlite (runmeter's driver from Node 24 on) against the same store on better-sqlite3 (Node 20, 22):
// the same points written in agent-sized batches, then read back whole and bucketed for a chart, with each driver in
// turn in this process. Needs a Node with both: 22.16 or later with better-sqlite3 built for it (.ci/node-22's copy).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { columnsOf } from '../dist/model/columns.js';
import { hasNodeSqlite, openDatabase } from '../dist/store/sqlite/database-file.js';
import { SqliteStore } from '../dist/store/sqlite/sqlite-store.js';
import { median, report } from './lib.mjs';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'runmeter-bench-driver-'));
const seconds = (start) => Number(process.hrtime.bigint() - start) / 1e9;
const POINTS = 1_000_000;
const BATCH = 1_000;
const SERIES = ['loss', 'accuracy', 'lr', 'grad_norm'];

function openWith(driver, dir) {
  process.env.RUNMETER_SQLITE_DRIVER = driver;
  return new SqliteStore(path.join(dir, 'runmeter.db'), dir);
}

function betterSqlite3Loads() {
  try {
    process.env.RUNMETER_SQLITE_DRIVER = 'better-sqlite3';
    openDatabase(':memory:', false).close();
    return true;
  } catch {
    return false;
  }
}

/** Writes POINTS points per series in batches, then reads them all back and buckets each series 20 times. */
async function workload(driver, round) {
  const dir = path.join(tmp, `${driver.replace(':', '-')}-${round}`);
  const store = openWith(driver, dir);
  const run = await store.createRun({ name: 'bench', command: ['bench'], cwd: '/', host: 'h', user: 'u', startTime: 1, version: '0', source: 'run' });
  const writeStart = process.hrtime.bigint();
  for (let at = 0; at < POINTS; at += BATCH) {
    const points = [];
    for (const name of SERIES)
      for (let i = at; i < at + BATCH; i++) points.push({ series: { name, kind: 'training' }, time: 1_000 + i, step: i, value: Math.sin(i) });
    await store.appendColumns(run.id, columnsOf(points));
  }
  const write = seconds(writeStart);
  const readStart = process.hrtime.bigint();
  let read = 0;
  for (const series of await store.listSeries(run.id)) {
    for await (const batch of store.readPoints(series.id)) read += batch.value.length;
    for (let q = 0; q < 20; q++) await store.querySeries(series.id, { x: 'step', buckets: 1_000, from: q * 10_000 });
  }
  const readTime = seconds(readStart);
  if (read !== POINTS * SERIES.length) throw new Error(`${driver}: read ${read} points back, wrote ${POINTS * SERIES.length}`);
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
  return { write, read: readTime };
}

if (!hasNodeSqlite() || !betterSqlite3Loads()) {
  report({ name: 'store on node:sqlite vs better-sqlite3', value: 'skipped', unit: '', target: 'info: needs Node 22.16+ with better-sqlite3 built for it' });
} else {
  const times = { 'better-sqlite3': [], 'node:sqlite': [] };
  await workload('better-sqlite3', 'warm');
  await workload('node:sqlite', 'warm');
  for (let round = 0; round < 3; round++) for (const driver of Object.keys(times)) times[driver].push(await workload(driver, round));
  for (const part of ['write', 'read']) {
    const base = median(times['better-sqlite3'].map((t) => t[part]));
    const ours = median(times['node:sqlite'].map((t) => t[part]));
    const points = POINTS * SERIES.length;
    report({
      name: `store ${part === 'write' ? 'writes (1,000-point batches)' : 'reads (all points, then 20 bucketed queries a series)'} on node:sqlite`,
      value: Math.round(points / ours),
      unit: 'points/s',
      baseline: Math.round(points / base),
      ratio: Number((ours / base).toFixed(2)),
      target: 'info: time on node:sqlite / time on better-sqlite3, same process',
    });
  }
}
fs.rmSync(tmp, { recursive: true, force: true });
