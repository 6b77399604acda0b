#!/usr/bin/env node
// Runs every bench/*.bench.mjs (or those named on the command line) and prints one table of their figures.
// A benchmark prints one line per figure: `BENCH {"name", "value", "unit", "baseline"?, "ratio"?, "target", "ok"}`.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const files = fs
  .readdirSync(here)
  .filter((f) => f.endsWith('.bench.mjs'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();
const rows = [];
for (const file of files) {
  process.stderr.write(`running ${file} ...\n`);
  const result = spawnSync(process.execPath, ['--expose-gc', path.join(here, file)], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const found = result.stdout
    .split('\n')
    .filter((line) => line.startsWith('BENCH '))
    .map((line) => JSON.parse(line.slice(6)));
  if (result.status !== 0) rows.push({ file, name: '(benchmark failed)', value: result.status, unit: 'exit', target: '', ok: false });
  for (const row of found) rows.push({ file, ...row });
}
const fmt = (v) =>
  typeof v === 'number' ? (Math.abs(v) >= 1000 || Number.isInteger(v) ? v.toLocaleString('en-US', { maximumFractionDigits: 1 }) : v.toPrecision(3)) : (v ?? '');
const table = rows.map((r) => [
  r.file.replace('.bench.mjs', ''),
  r.name,
  `${fmt(r.value)} ${r.unit ?? ''}`.trim(),
  r.ratio === undefined ? '' : `${fmt(r.ratio)}x`,
  r.target ?? '',
  r.ok === undefined ? '' : r.ok ? 'ok' : 'MISSED',
]);
const header = ['bench', 'figure', 'value', 'ratio', 'target', ''];
const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => String(row[i]).length)));
const line = (cells) => cells.map((c, i) => String(c).padEnd(widths[i])).join('  ');
console.log(line(header));
console.log(line(widths.map((w) => '-'.repeat(w))));
for (const row of table) console.log(line(row));
process.exitCode = rows.some((r) => r.ok === false) ? 1 : 0;
