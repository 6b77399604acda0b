// What `runmeter run --model` adds at start: the model is counted before the job starts. Measured as the delay from
// runmeter's spawn to the job's first instruction, and the whole command's wall time, with and without --model
// (a ~3,000-node ViT graph), alternated so both see the same load. Baseline: the same `runmeter run` without --model.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildVit } from '../test/fixtures/flops/vit.mjs';
import { median, report } from './lib.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const cli = path.join(here, '../bin/runmeter');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'runmeter-bench-run-model-'));
const { encodeOnnx } = await import('../dist/flops/onnx/encode.js');
const graph = buildVit({ depth: 34 });
const model = path.join(tmp, 'vit34.onnx');
fs.writeFileSync(model, encodeOnnx(graph));
const store = path.join(tmp, 'runs.db');

/** Runs `runmeter run` on a job that prints when it started; resolves with the job's start delay and the wall time. */
function timedRun(extra) {
  return new Promise((resolve, reject) => {
    const start = Date.now();
    const child = spawn(
      process.execPath,
      [cli, 'run', '-q', '--no-system', '--store', store, ...extra, '--', process.execPath, '-e', 'console.log(Date.now())'],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`runmeter run exited ${code}`));
      else resolve({ startMs: Number(out.trim()) - start, wallMs: Date.now() - start });
    });
  });
}

await timedRun([]); // creates the store
const plain = [];
const withModel = [];
for (let i = 0; i < 5; i++) {
  plain.push(await timedRun([]));
  withModel.push(await timedRun(['--model', model, '--batch-size', '8']));
}
const startPlain = median(plain.map((r) => r.startMs));
const startModel = median(withModel.map((r) => r.startMs));
report({
  name: `runmeter run --model (${graph.nodes.length}-node graph): time until the job starts`,
  value: startModel,
  unit: 'ms',
  baseline: startPlain,
  ratio: Number((startModel / startPlain).toFixed(2)),
  target: '<= 1.5x plain run',
  ok: startModel / startPlain <= 1.5,
});
const wallPlain = median(plain.map((r) => r.wallMs));
const wallModel = median(withModel.map((r) => r.wallMs));
report({
  name: 'runmeter run --model: whole command, a job that exits at once',
  value: wallModel,
  unit: 'ms',
  baseline: wallPlain,
  ratio: Number((wallModel / wallPlain).toFixed(2)),
  target: '<= 1.3x plain run',
  ok: wallModel / wallPlain <= 1.3,
});
fs.rmSync(tmp, { recursive: true, force: true });
