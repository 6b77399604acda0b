// System metrics sampler: the cost of one reading, and the sampler's CPU use at the default rates.
// Needs the build (npm run build). Figures:
// - sample_ms: the median CPU time of one reading of the machine, a job tree of 64 processes, and the disk (no GPU on the team's machine);
//   sample_wall_ms: its median wall time, which on a busy shared machine also counts waiting for a core; the baseline is a plain
//   reading (readFileSync of every /proc/<pid>/stat and the machine's files), measured in the same run;
// - sample_with_stand_in_nvml_ms: the same plus 2 GPUs through koffi from a stand-in libnvidia-ml (when a C compiler is there):
//   the cost of the bindings, not of a real driver (a real H100 took under 2 ms for its 5 NVML calls, test/fixtures/real/gpu/nvml_h100.md);
// - sample_with_nvml_ms: on a machine with NVIDIA's driver (/dev/nvidiactl), the same through the real libnvidia-ml;
// - cpu_overhead_percent_of_core: the sampler's own CPU time over an idle 20 s job (sampling every 1 s, a report every 5 s), minus the
//   same program with sampling off, run side by side, as a percentage of one core. 20 s rather than the 60 s of the issue, to keep
//   the bench short; the figure is a rate, so the shorter run only makes it noisier.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, report } from './lib.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const { createSystemSampler } = await import(path.join(here, '../dist/sample/index.js'));
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

if (process.argv[2] === '--idle-job') {
  // One side of the overhead figure: run an idle job for the given seconds, sampling or not, and print this process's CPU time.
  const [, , , mode, seconds] = process.argv;
  const job = spawn('sleep', [seconds], { stdio: 'ignore' });
  const cpu = process.cpuUsage();
  let sampler;
  let reports;
  if (mode === 'on') {
    sampler = createSystemSampler({ rootPid: job.pid, diskPaths: [process.cwd()] });
    sampler.start();
    sampler.report(Date.now());
    reports = setInterval(() => sampler.report(Date.now()), 5000);
  }
  await new Promise((resolve) => job.on('exit', resolve));
  if (sampler) {
    clearInterval(reports);
    sampler.report(Date.now());
    await sampler.stop();
  }
  const used = process.cpuUsage(cpu);
  console.log(JSON.stringify({ cpuMs: (used.user + used.system) / 1000 }));
  process.exit(0);
}

/** A job of `size` processes: a root with size - 1 sleeping children, which it ends when it gets SIGTERM. */
async function startTree(size) {
  const code = `const { spawn } = require('node:child_process');
    const kids = [];
    for (let i = 1; i < ${size}; i++) kids.push(spawn('sleep', ['120'], { stdio: 'ignore' }));
    process.on('SIGTERM', () => { for (const kid of kids) kid.kill(); process.exit(0); });
    console.log('ready');
    setInterval(() => {}, 60000);`;
  const root = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((resolve) => root.stdout.once('data', resolve));
  await sleep(300);
  return root;
}

/**
 * The cost of one reading, each taken 110 ms after the last so that CPU percentages and rates are computed as in real use:
 * its CPU time (what it costs the machine; wall time on this shared 2-core machine also counts waiting for a core) and its wall time.
 */
async function timeReadings(options, count = 40) {
  const sampler = createSystemSampler(options);
  await sampler.sampleNow();
  sampler.report(Date.now());
  const walls = [];
  const cpus = [];
  let processes;
  // The first 10 readings warm the JIT up and are not counted.
  for (let i = -10; i < count; i++) {
    await sleep(110);
    const cpu = process.cpuUsage();
    const start = process.hrtime.bigint();
    const points = sampler.report(Date.now());
    const wall = Number(process.hrtime.bigint() - start) / 1e6;
    const used = process.cpuUsage(cpu);
    if (i < 0) continue;
    walls.push(wall);
    cpus.push((used.user + used.system) / 1000);
    processes = points.find((p) => p.series.name === 'job/processes')?.value;
  }
  await sampler.stop();
  return { cpuMs: median(cpus), wallMs: median(walls), processes };
}

/** The baseline: what a plain reading costs, with readFileSync of every /proc/<pid>/stat (to find the tree) and the machine's files. */
async function timeNaiveReadings(count = 40) {
  const cpus = [];
  for (let i = -10; i < count; i++) {
    await sleep(110);
    const cpu = process.cpuUsage();
    for (const file of ['stat', 'meminfo', 'diskstats', 'net/dev']) fs.readFileSync(`/proc/${file}`, 'latin1');
    for (const name of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(name)) continue;
      try {
        fs.readFileSync(`/proc/${name}/stat`, 'latin1').split(' ');
      } catch {
        // exited
      }
    }
    const used = process.cpuUsage(cpu);
    if (i >= 0) cpus.push((used.user + used.system) / 1000);
  }
  return median(cpus);
}

const tree = await startTree(64);
try {
  const plain = await timeReadings({ rootPid: tree.pid, gpu: false });
  if (plain.processes !== 64) throw new Error(`expected a tree of 64 processes, the sampler found ${plain.processes}`);
  const naive = await timeNaiveReadings();
  report({
    name: 'sample_ms',
    value: Number(plain.cpuMs.toFixed(3)),
    unit: 'ms CPU',
    baseline: Number(naive.toFixed(3)),
    ratio: Number((plain.cpuMs / naive).toFixed(2)),
    target: '< 2 ms',
    ok: plain.cpuMs < 2,
  });
  report({ name: 'sample_wall_ms', value: Number(plain.wallMs.toFixed(3)), unit: 'ms', target: '(info: median wall time)' });

  // A reading with GPUs, against the same reading without.
  const reportWithGpu = (name, withGpu) =>
    report({
      name,
      value: Number(withGpu.cpuMs.toFixed(3)),
      unit: 'ms CPU',
      baseline: Number(plain.cpuMs.toFixed(3)),
      ratio: Number((withGpu.cpuMs / plain.cpuMs).toFixed(2)),
      target: '< 2 ms',
      ok: withGpu.cpuMs < 2,
    });
  const source = path.join(here, '../test/sample/fake-nvml/fake-nvml.c');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runmeter-bench-nvml-'));
  try {
    const library = path.join(dir, 'libfake-nvml.so');
    execFileSync('cc', ['-shared', '-fPIC', '-o', library, source], { stdio: 'ignore' });
    reportWithGpu('sample_with_stand_in_nvml_ms', await timeReadings({ rootPid: tree.pid, nvmlLibrary: library }));
  } catch (error) {
    console.error(`no stand-in NVML figure: ${error.message}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  if (fs.existsSync('/dev/nvidiactl')) {
    // A machine with NVIDIA's driver: the same readings through the real libnvidia-ml, every GPU of the machine.
    const real = await timeReadings({ rootPid: tree.pid });
    reportWithGpu('sample_with_nvml_ms', real);
    report({ name: 'sample_with_nvml_wall_ms', value: Number(real.wallMs.toFixed(3)), unit: 'ms', target: '(info: median wall time)' });
  }
} finally {
  tree.kill('SIGTERM');
}

const seconds = 20;
const side = (mode) =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--idle-job', mode, String(seconds)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out).cpuMs) : reject(new Error(`idle job (${mode}) exited ${code}`))));
  });
const [on, off] = await Promise.all([side('on'), side('off')]);
const overhead = ((on - off) / (seconds * 1000)) * 100;
report({
  name: 'cpu_overhead_percent_of_core',
  value: Number(overhead.toFixed(3)),
  unit: '% of a core',
  baseline: Number(off.toFixed(1)),
  ratio: Number((on / Math.max(off, 0.001)).toFixed(2)),
  target: '< 0.5%',
  ok: overhead < 0.5,
});
