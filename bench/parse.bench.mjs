// `runmeter parse --jsonl` on a 200 MB mixed training log (Keras epochs with \r redraws, JSON metric lines, Hugging
// Face dicts, plain text), against Node's readline counting the same file's lines, in this script.
// Figures: throughput (>= 150 MB/s), ratio to readline (>= 0.5), peak RSS of the parse process (<= 100 MB).
// Then the agent's path: createOutputParser with a sink that builds points as the ingest worker does, fed 64 KB
// chunks of mixed-log.mjs's Keras-heavy log, against a bare Buffer.indexOf line scan of the same bytes (>= 150 MB/s),
// in a worker thread with the ingest worker's heap limits. Also `parse --jsonl` against readline on a log where every
// line is a generic metric line (the training loggers' formats), and on that log minimal-reader.mjs (the least a program
// can do to print the same points) against both. PARSE_BENCH_ONLY=jsonl|generic|agent runs one part.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { median, report } from './lib.mjs';
import { mixedLogChunk } from './mixed-log.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const sizeMb = Number(process.env.PARSE_BENCH_MB ?? 200);
const rounds = Number(process.env.PARSE_BENCH_ROUNDS ?? 3);
const dir = isMainThread ? fs.mkdtempSync(path.join(os.tmpdir(), 'runmeter-parse-bench-')) : '';
const logFile = path.join(dir, 'mixed.log');

/** A small deterministic PRNG (mulberry32), so every run parses the same bytes. */
function prng(seed) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const plainLines = [
  (_r, i) =>
    `2026-11-23 14:05:${String(i % 60).padStart(2, '0')},${String(i % 1000).padStart(3, '0')} - INFO - dataloader worker ${i % 8} prefetched batch ${i}`,
  () => '/opt/venv/lib/python3.12/site-packages/torch/utils/data/dataloader.py:557: UserWarning: This DataLoader will create 8 worker processes in total.',
  (r) => `Saving checkpoint to ./checkpoints/model_${Math.floor(r() * 1e6)}.pt (size: ${(r() * 900).toFixed(1)} MB)`,
  () => '  warnings.warn(_create_warning_msg(',
  (r) => `GPU memory: allocated ${(r() * 70).toFixed(2)} GiB, reserved ${(r() * 78).toFixed(2)} GiB, cached 1.2 GiB`,
  () => '',
  (r, i) => `step ${i}: throughput ${(r() * 5000).toFixed(1)} samples/s, tokens seen ${i * 4096}`,
];

/** One block of log, about 40 KB: an epoch of Keras redraws and the lines a script prints around it. */
function block(r, epoch, state) {
  const parts = [];
  let plain = 0;
  let json = 0;
  // Plain text: about 30% of the bytes.
  while (plain < 12_000) {
    const line = plainLines[Math.floor(r() * plainLines.length)](r, state.line++);
    parts.push(`${line}\n`);
    plain += line.length + 1;
  }
  // JSON metric lines: about 20%.
  while (json < 8_000) {
    state.step += 10;
    const line =
      state.step % 500 === 0 ? `{"metric": "accuracy", "value": ${r()}, "epoch": ${epoch}}` : `{"metric": "loss", "value": ${r() * 3}, "step": ${state.step}}`;
    parts.push(`${line}\n`);
    json += line.length + 1;
  }
  // Hugging Face dicts: about 5%.
  for (let i = 0; i < 20; i++) {
    parts.push(
      `{'loss': ${(r() * 2).toFixed(4)}, 'grad_norm': ${(r() * 3).toFixed(4)}, 'learning_rate': ${(r() * 5e-5).toExponential(3)}, 'epoch': ${(epoch + i / 20).toFixed(2)}}\n`,
    );
  }
  // A Keras epoch, verbose 1, redrawn with \b and \r: about 45%.
  parts.push(`Epoch ${epoch}/1000\n`);
  const steps = 100;
  let redraws = '';
  for (let s = 1; s < steps; s++) {
    const done = Math.floor((s * 30) / steps);
    const bar = `${String(s).padStart(3)}/${steps} [${'='.repeat(done)}>${'.'.repeat(29 - done)}] - ETA: ${Math.ceil((steps - s) / 50)}s - loss: ${(r() * 2).toFixed(4)} - accuracy: ${r().toFixed(4)}`;
    redraws += `\r${bar}${'\b'.repeat(bar.length)}`;
  }
  parts.push(
    `${redraws}\r${steps}/${steps} [${'='.repeat(30)}] - 2s 20ms/step - loss: ${(r() * 2).toFixed(4)} - accuracy: ${r().toFixed(4)} - val_loss: ${(r() * 2).toFixed(4)} - val_accuracy: ${r().toFixed(4)}\n`,
  );
  return parts.join('');
}

function generate(file, bytes) {
  const fd = fs.openSync(file, 'w');
  const r = prng(42);
  const state = { line: 0, step: 0 };
  let written = 0;
  for (let epoch = 1; written < bytes; epoch++) written += fs.writeSync(fd, block(r, epoch, state));
  fs.closeSync(fd);
  return written;
}

async function readlineLines(file) {
  let lines = 0;
  const input = readline.createInterface({ input: fs.createReadStream(file), crlfDelay: Number.POSITIVE_INFINITY });
  for await (const _ of input) lines++;
  return lines;
}

/** Runs `runmeter parse FILE --jsonl` with its output discarded; resolves with wall ms, exit code and the child's peak RSS. */
function runParse(file) {
  const preload = path.join(dir, 'max-rss.mjs');
  fs.writeFileSync(
    preload,
    "process.on('exit', () => { const u = process.resourceUsage(); process.stderr.write('MAXRSS ' + u.maxRSS + ' CPU ' + (u.userCPUTime + u.systemCPUTime) + '\\n'); });\n",
  );
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(process.execPath, ['--import', preload, path.join(root, 'bin/runmeter'), 'parse', file, '--jsonl'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      const rss = Number(/MAXRSS (\d+)/.exec(stderr)?.[1] ?? Number.NaN) / 1024;
      const cpuMs = Number(/CPU (\d+)/.exec(stderr)?.[1] ?? Number.NaN) / 1000;
      if (code !== 0) process.stderr.write(stderr);
      resolve({ ms, code, rssMb: rss, cpuMs });
    });
  });
}

/** The ingest worker's sink, as far as the parser sees it: a point object per metric, its series looked up by name. */
function pointSink() {
  const series = new Map();
  const summaries = new Map();
  let pending = [];
  let count = 0;
  return {
    metric(metric) {
      let key = series.get(metric.name);
      if (key === undefined) {
        key = { name: metric.name, kind: 'training', context: metric.context };
        series.set(metric.name, key);
      }
      const point = { series: key, time: metric.timestamp ?? 0, value: metric.value };
      if (metric.step !== undefined) point.step = metric.step;
      if (metric.epoch !== undefined) point.epoch = metric.epoch;
      pending.push(point);
      if (pending.length >= 50_000) pending = [];
      const summary = summaries.get(metric.name) ?? { name: metric.name, value: metric.value, count: 0 };
      summary.value = metric.value;
      summary.count++;
      summaries.set(metric.name, summary);
      count++;
    },
    get count() {
      return count;
    },
  };
}

/** The agent's path: MB/s of createOutputParser on 64 KB chunks, and of a bare line scan of the same chunks. */
async function agentPath(megabytes) {
  const { createOutputParser } = await import('../dist/parse/index.js');
  // As `mixed-log.mjs --prebuilt` writes it: 8 ready-made chunks, cycled.
  const prebuilt = Array.from({ length: 8 }, (_, k) => mixedLogChunk(k));
  const chunks = [];
  let bytes = 0;
  for (let k = 0; bytes < megabytes * (1 << 20); k++) {
    const source = prebuilt[k % prebuilt.length];
    for (let at = 0; at < source.length; at += 65536) {
      chunks.push(source.subarray(at, at + 65536));
      bytes += Math.min(65536, source.length - at);
    }
  }
  const parseMs = [];
  const parseCpuMs = [];
  const scanMs = [];
  let lines = 0;
  for (let i = 0; i < rounds; i++) {
    let t = process.hrtime.bigint();
    lines = 0;
    for (const chunk of chunks) for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) lines++;
    scanMs.push(Number(process.hrtime.bigint() - t) / 1e6);
    t = process.hrtime.bigint();
    const cpu = process.cpuUsage();
    const sink = pointSink();
    const parser = createOutputParser(sink);
    for (const chunk of chunks) parser.push(chunk);
    parser.end();
    parseMs.push(Number(process.hrtime.bigint() - t) / 1e6);
    const used = process.cpuUsage(cpu);
    parseCpuMs.push((used.user + used.system) / 1000);
    if (sink.count === 0 || lines === 0) throw new Error('the agent path found no points');
  }
  const mb = bytes / (1 << 20);
  return { parseRate: mb / (median(parseMs) / 1000), parseCpuRate: mb / (median(parseCpuMs) / 1000), scanRate: mb / (median(scanMs) / 1000), mb };
}

/** MB/s of `runmeter parse FILE --jsonl` and of readline counting the same file's lines, alternated; the file is removed. */
async function againstReadline(file, mb, options = {}) {
  const parseMs = [];
  const readlineMs = [];
  const parseCpuMs = [];
  const readlineCpuMs = [];
  let rssMb = 0;
  let failed = false;
  // The file was just written: its pages go to disk first, or their writeback runs during the rounds and slows
  // whichever command it meets (the full bench, after benches that wrote gigabytes, measured 0.43x where this alone
  // measured 0.60x).
  execFileSync('sync');
  for (let i = 0; i < rounds; i++) {
    let t = process.hrtime.bigint();
    const cpu = process.cpuUsage();
    await readlineLines(file);
    readlineMs.push(Number(process.hrtime.bigint() - t) / 1e6);
    const used = process.cpuUsage(cpu);
    readlineCpuMs.push((used.user + used.system) / 1000);
    t = process.hrtime.bigint();
    const run = await runParse(file);
    parseMs.push(run.ms);
    parseCpuMs.push(run.cpuMs);
    rssMb = Math.max(rssMb, run.rssMb);
    failed ||= run.code !== 0;
  }
  if (options.keep !== true) fs.rmSync(file, { force: true });
  return {
    parseRate: mb / (median(parseMs) / 1000),
    readlineRate: mb / (median(readlineMs) / 1000),
    // On a busy machine wall time measures the neighbours too: CPU time (the parse process's, start-up included) is the steadier figure.
    cpuRatio: median(readlineCpuMs) / median(parseCpuMs),
    rssMb,
    failed,
  };
}

/** `runmeter parse --jsonl` on the generated log, against readline counting its lines. */
async function jsonlFigures() {
  const bytes = generate(logFile, sizeMb * 1024 * 1024);
  const mb = bytes / (1024 * 1024);
  const { parseRate, readlineRate, cpuRatio, rssMb, failed } = await againstReadline(logFile, mb);
  report({
    name: `parse --jsonl throughput (${Math.round(mb)} MB mixed log)`,
    value: Number(parseRate.toFixed(1)),
    unit: 'MB/s',
    target: '>= 150 MB/s',
    ok: !failed && parseRate >= 150,
  });
  report({
    name: 'parse --jsonl speed vs readline line count',
    value: Number(parseRate.toFixed(1)),
    unit: 'MB/s',
    baseline: Number(readlineRate.toFixed(1)),
    ratio: Number((parseRate / readlineRate).toFixed(3)),
    target: '>= 0.5x',
    ok: !failed && parseRate / readlineRate >= 0.5,
  });
  report({ name: 'parse --jsonl vs readline, by CPU time (for busy machines; not the target)', value: Number(cpuRatio.toFixed(3)), unit: 'x' });
  report({ name: 'parse --jsonl peak RSS', value: Number(rssMb.toFixed(1)), unit: 'MB', target: '<= 100 MB', ok: rssMb <= 100 });
}

/** Lines the generic reader takes, as the training loggers print them (nanoGPT, Megatron, detectron2, timm, plain prints). */
const genericLines = [
  (r, i) => `iter ${i}: loss ${(r() * 3).toFixed(4)}, time ${(r() * 100).toFixed(2)}ms, mfu ${(r() * 50).toFixed(2)}%`,
  (r, i) =>
    ` iteration ${String(i).padStart(8)}/  500000 | consumed samples: ${String(i * 64).padStart(12)} | elapsed time per iteration (ms): ${(r() * 2000).toFixed(1)} | learning rate: ${(r() * 1e-4).toExponential(6).toUpperCase()} | lm loss: ${(r() * 10).toExponential(6).toUpperCase()} | grad norm: ${(r() * 3).toFixed(3)} |`,
  (r, i) =>
    `[12/04 10:00:00 d2.utils.events]:  eta: 0:10:00  iter: ${i}  total_loss: ${(r() * 2).toFixed(3)}  loss_cls: ${(r()).toFixed(4)}  lr: ${(r() * 1e-3).toFixed(8)}  max_mem: ${Math.floor(r() * 9000)}M`,
  (r, i) =>
    `Train: ${Math.floor(i / 1000)} [${String(i % 1000).padStart(4)}/1000 (${String(Math.floor((i % 1000) / 10)).padStart(3)}%)]  Loss: ${(r() * 7).toFixed(3)} (${(r() * 7).toFixed(3)})  LR: ${(r() * 1e-3).toExponential(3)}`,
  (r, i) => `epoch ${Math.floor(i / 100)} step ${i} loss ${(r() * 2).toFixed(5)} acc ${r().toFixed(4)}`,
];

/** `runmeter parse --jsonl` on a log where every line is a generic metric line, against readline counting its lines. */
async function genericFigures() {
  const file = path.join(dir, 'generic.log');
  const fd = fs.openSync(file, 'w');
  const r = prng(7);
  let bytes = 0;
  for (let i = 0; bytes < (sizeMb / 2) * 1024 * 1024; ) {
    const parts = [];
    for (let k = 0; k < 1000; k++, i++) parts.push(`${genericLines[i % genericLines.length](r, i)}\n`);
    bytes += fs.writeSync(fd, parts.join(''));
  }
  fs.closeSync(fd);
  const mb = bytes / (1024 * 1024);
  const { parseRate, readlineRate, cpuRatio, failed } = await againstReadline(file, mb, { keep: true });
  // The floor for printing these points: minimal-reader.mjs, alternated with parse --jsonl, both as commands.
  const minimalMs = [];
  const parseMs = [];
  let minimalPoints = 0;
  for (let i = 0; i < rounds; i++) {
    const minimal = await runMinimalReader(file);
    minimalMs.push(minimal.ms);
    minimalPoints = minimal.points;
    parseMs.push((await runParse(file)).ms);
  }
  fs.rmSync(file, { force: true });
  report({
    name: `parse --jsonl vs readline, every line a generic metric line (${Math.round(mb)} MB)`,
    value: Number(parseRate.toFixed(1)),
    unit: 'MB/s',
    baseline: Number(readlineRate.toFixed(1)),
    ratio: Number((parseRate / readlineRate).toFixed(3)),
    target: '>= 0.5x',
    ok: !failed && parseRate / readlineRate >= 0.5,
  });
  report({ name: 'generic metric lines: parse --jsonl vs readline, by CPU time (not the target)', value: Number(cpuRatio.toFixed(3)), unit: 'x' });
  const minimalRate = mb / (median(minimalMs) / 1000);
  report({
    name: `generic metric lines: the minimal reader (regex and template string, ${minimalPoints} points) vs readline (the target's floor; not a target)`,
    value: Number(minimalRate.toFixed(1)),
    unit: 'MB/s',
    baseline: Number(readlineRate.toFixed(1)),
    ratio: Number((minimalRate / readlineRate).toFixed(3)),
  });
  report({
    name: 'generic metric lines: parse --jsonl vs the minimal reader (not a target)',
    value: Number((mb / (median(parseMs) / 1000)).toFixed(1)),
    unit: 'MB/s',
    baseline: Number(minimalRate.toFixed(1)),
    ratio: Number((median(minimalMs) / median(parseMs)).toFixed(3)),
  });
}

/** Runs minimal-reader.mjs on the file; resolves with wall ms and the points it printed. */
function runMinimalReader(file) {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(process.execPath, [path.join(root, 'bench/minimal-reader.mjs'), file], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`minimal-reader.mjs exited with ${code}: ${stderr}`));
      else resolve({ ms: Number(process.hrtime.bigint() - start) / 1e6, points: Number(/POINTS (\d+)/.exec(stderr)?.[1] ?? Number.NaN) });
    });
  });
}

/** The agent's path, measured in a worker thread with the ingest worker's heap limits (src/agent/run-job.ts). */
function agentInWorker(megabytes) {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL(import.meta.url), {
      workerData: { megabytes },
      resourceLimits: { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 256 },
    });
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}

async function agentFigures() {
  const agent = await agentInWorker(Number(process.env.PARSE_BENCH_AGENT_MB ?? 100));
  report({
    name: `agent path: createOutputParser, 64 KB chunks (${Math.round(agent.mb)} MB Keras-heavy log) vs bare line scan`,
    value: Number(agent.parseRate.toFixed(1)),
    unit: 'MB/s',
    baseline: Number(agent.scanRate.toFixed(1)),
    ratio: Number((agent.parseRate / agent.scanRate).toFixed(3)),
    target: '>= 150 MB/s',
    ok: agent.parseRate >= 150,
  });
  report({ name: 'agent path, by CPU time of the process (not the target)', value: Number(agent.parseCpuRate.toFixed(1)), unit: 'MB/s' });
}

if (!isMainThread) parentPort?.postMessage(await agentPath(workerData.megabytes));
else {
  // PARSE_BENCH_ONLY=jsonl or agent runs one part.
  const only = process.env.PARSE_BENCH_ONLY;
  try {
    if (only !== 'agent' && only !== 'generic') await jsonlFigures();
    if (only === undefined || only === 'generic') await genericFigures();
    if (only === undefined || only === 'agent') await agentFigures();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
