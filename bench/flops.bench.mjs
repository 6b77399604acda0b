// FLOPs counting benchmarks: a ~3,000-node graph and a ViT-B/16 graph (built in code, torch-export style) and the
// largest fixture, counted in fresh processes (what `runmeter flops` pays) and warm (what an SDK pays per call).
// Baseline: merely decoding the same bytes with onnx-proto (protobufjs' generated ONNX decoder), cold, in the same
// process. Importing the modules is measured on its own.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildVit } from '../test/fixtures/flops/vit.mjs';
import { median, report, timeCommand } from './lib.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

if (process.argv[2] === '--child') {
  // One cold measurement: import, read, count; then the onnx-proto decode of the same bytes, also cold.
  // Times are CPU time (user + system) of this process: on a shared machine, wall time mostly measures the neighbours.
  const cpuMs = (since) => {
    const used = process.cpuUsage(since);
    return (used.user + used.system) / 1000;
  };
  const file = process.argv[3];
  const importStart = process.cpuUsage();
  const { countFlops, loadModel } = await import('../dist/flops/index.js');
  const importMs = cpuMs(importStart);
  const start = process.cpuUsage();
  const wallStart = performance.now();
  const report = countFlops(loadModel(file), { batch: 8 });
  const countMs = cpuMs(start);
  const wallMs = performance.now() - wallStart;
  const rssMb = process.resourceUsage().maxRSS / 1024;
  const { default: onnxProto } = await import('onnx-proto');
  const decodeStart = process.cpuUsage();
  onnxProto.onnx.ModelProto.decode(fs.readFileSync(file));
  const decodeMs = cpuMs(decodeStart);
  console.log(JSON.stringify({ importMs, countMs, wallMs, decodeMs, rssMb, macs: report.macs }));
  process.exit(0);
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'runmeter-bench-flops-'));
const { countFlops } = await import('../dist/flops/index.js');
const { encodeOnnx } = await import('../dist/flops/onnx/encode.js');
const { default: onnxProto } = await import('onnx-proto');

const graphs = [
  { name: '~3,000-node ViT (34 blocks)', graph: buildVit({ depth: 34 }) },
  { name: 'ViT-B/16', graph: buildVit() },
];
for (const entry of graphs) {
  entry.file = path.join(tmp, `${entry.name.replace(/\W+/g, '_')}.onnx`);
  fs.writeFileSync(entry.file, encodeOnnx(entry.graph));
}
graphs.push({ name: 'bert_tiny fixture', file: path.join(here, '../test/fixtures/real/onnx/bert_tiny.onnx') });

function cold(file) {
  const runs = [];
  for (let i = 0; i < 5; i++) {
    const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', file], { encoding: 'utf8' });
    if (child.status !== 0) throw new Error(child.stderr);
    runs.push(JSON.parse(child.stdout));
  }
  return {
    importMs: median(runs.map((r) => r.importMs)),
    countMs: median(runs.map((r) => r.countMs)),
    wallMs: median(runs.map((r) => r.wallMs)),
    decodeMs: median(runs.map((r) => r.decodeMs)),
    rssMb: Math.max(...runs.map((r) => r.rssMb)),
  };
}

for (const { name, file, graph } of graphs) {
  const nodes = graph ? `${graph.nodes.length} nodes` : 'fixture';
  const measured = cold(file);
  report({
    name: `${name} (${nodes}): first count in a fresh process (read, decode, infer, cost), CPU time (wall ${measured.wallMs.toFixed(0)} ms)`,
    value: Number(measured.countMs.toFixed(1)),
    unit: 'ms',
    baseline: Number(measured.decodeMs.toFixed(1)),
    ratio: Number((measured.countMs / measured.decodeMs).toFixed(2)),
    target: '< 200 ms',
    ok: measured.countMs < 200,
  });
  report({ name: `${name}: peak RSS of that process`, value: Number(measured.rssMb.toFixed(1)), unit: 'MB', target: '< 100 MB', ok: measured.rssMb < 100 });
}

const importRuns = graphs.map(({ file }) => cold(file).importMs);
report({
  name: 'importing src/flops in a fresh process, CPU time',
  value: Number(median(importRuns).toFixed(1)),
  unit: 'ms',
  target: '< 100 ms',
  ok: median(importRuns) < 100,
});

// The command end to end, against the CLI's own start-up (`runmeter --version`), alternated so both see the same load.
const cli = path.join(here, '../bin/runmeter');
const versionMs = [];
const flopsMs = [];
for (let i = 0; i < 5; i++) {
  versionMs.push((await timeCommand(process.execPath, [cli, '--version'])).ms);
  flopsMs.push((await timeCommand(process.execPath, [cli, 'flops', graphs[0].file, '--json'])).ms);
}
const cliRatio = median(flopsMs) / median(versionMs);
report({
  name: `runmeter flops on the ${graphs[0].name} graph, wall time`,
  value: Math.round(median(flopsMs)),
  unit: 'ms',
  baseline: Math.round(median(versionMs)),
  ratio: Number(cliRatio.toFixed(2)),
  target: '<= 1.5x runmeter --version',
  ok: cliRatio <= 1.5,
});

// Warm: the same bytes counted again and again (a fresh copy each time, so the parse cache does not answer).
const bytes = fs.readFileSync(graphs[0].file);
const warmCount = [];
const warmDecode = [];
for (let i = 0; i < 15; i++) {
  let start = performance.now();
  countFlops(new Uint8Array(bytes), { batch: 8 });
  warmCount.push(performance.now() - start);
  start = performance.now();
  onnxProto.onnx.ModelProto.decode(new Uint8Array(bytes));
  warmDecode.push(performance.now() - start);
}
const warm = median(warmCount.slice(5));
const warmBase = median(warmDecode.slice(5));
report({
  name: `${graphs[0].name}: decode + count, warm`,
  value: Number(warm.toFixed(2)),
  unit: 'ms',
  baseline: Number(warmBase.toFixed(2)),
  ratio: Number((warm / warmBase).toFixed(2)),
  target: '<= 3x an onnx-proto decode',
  ok: warm / warmBase <= 3,
});
// The SDK's per-step call: the parse and count are cached per model object.
const model = new Uint8Array(bytes);
countFlops(model, { batch: 8 });
const start = performance.now();
for (let i = 0; i < 10_000; i++) countFlops(model, { batch: 8 });
const cachedUs = ((performance.now() - start) / 10_000) * 1000;
report({ name: 'countFlops again on the same model object (cached)', value: Number(cachedUs.toFixed(2)), unit: 'µs', target: '< 50 µs', ok: cachedUs < 50 });
fs.rmSync(tmp, { recursive: true, force: true });
