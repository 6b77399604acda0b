// Benchmarks of `runmeter run` (issue 2): passthrough cost on a 200 MB job against `job | cat`, runmeter's peak
// RSS, a job printing a metric every millisecond, `runmeter show` on a run of 10 million points, and the CPU a run of a
// job that does nothing costs.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, report } from './lib.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const cli = path.join(root, 'bin', 'runmeter');
const node = process.execPath;
const megabytes = Number(process.env.BENCH_MB ?? 200);
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'runmeter-bench-run-'));
const env = { ...process.env, RUNMETER_HOME: home, RUNMETER_STORE: '' };

/** Runs a shell command line; returns wall ms and the peak RSS (VmHWM) of the process whose pid file it writes. */
function timed(commandLine, { watchPidOf } = {}) {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn('bash', ['-c', commandLine], { stdio: ['ignore', 'ignore', 'inherit'], env });
    let peak = 0;
    const poll = setInterval(() => {
      if (!watchPidOf) return;
      try {
        const pid = fs.readFileSync(watchPidOf, 'utf8').trim();
        const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
        const hwm = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024;
        peak = Math.max(peak, hwm);
      } catch {}
    }, 20);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearInterval(poll);
      resolve({ ms: Number(process.hrtime.bigint() - start) / 1e6, code, peak });
    });
  });
}

// 1. Throughput: the same job, piped through cat, and under runmeter. The job formats each line as it prints,
// as a training script does; a second job replays ready-made blocks at memcpy speed, the worst case (reported,
// no target: there Node's own ~120 ms start-up and the parse rate set the ratio).
const pidFile = path.join(home, 'runmeter.pid');
for (const [label, extra, rounds, target] of [
  ['formatted lines', '', 5, 1.3],
  ['prebuilt blocks (worst case)', ' --prebuilt', 3, undefined],
]) {
  const job = `${node} ${path.join(here, 'mixed-log.mjs')} ${megabytes}${extra}`;
  const bare = [];
  const wrapped = [];
  let peak = 0;
  for (let round = 0; round < rounds; round++) {
    bare.push((await timed(`${job} | cat > /dev/null`)).ms);
    const run = await timed(`${node} ${cli} run -q --name flood -- ${job} > /dev/null & echo $! > ${pidFile}; wait`, { watchPidOf: pidFile });
    wrapped.push(run.ms);
    peak = Math.max(peak, run.peak);
  }
  const ratio = median(wrapped) / median(bare);
  const figure = { name: `${megabytes} MB mixed output (${label}), wall vs job | cat`, value: median(wrapped), unit: 'ms', baseline: median(bare), ratio };
  report(target === undefined ? { ...figure, target: 'info' } : { ...figure, target: `<= ${target}x`, ok: ratio <= target });
  report({ name: `runmeter peak RSS, ${label}`, value: Math.round(peak / 1e6), unit: 'MB', target: '<= 150 MB', ok: peak > 0 && peak <= 150e6 });
}

// 2. A metric every millisecond for 20 s: every point stored, wall time within 2% of bare.
const seconds = Number(process.env.BENCH_TICK_SECONDS ?? 20);
const ticker = `${node} -e 'let i=0; const end=Date.now()+${seconds * 1000}; const t=setInterval(()=>{ console.log(JSON.stringify({metric:"tick",value:i,step:i})); i++; if(Date.now()>=end){clearInterval(t); console.error(i)} },1)'`;
const tickBare = await timed(`${ticker} > /dev/null 2>${home}/bare-count`);
const tickRun = await timed(`${node} ${cli} run -q --name ticker -- ${ticker} > /dev/null 2>${home}/run-count`);
const printed = Number(fs.readFileSync(`${home}/run-count`, 'utf8').trim());
const shown = JSON.parse(
  await new Promise((resolve) => {
    const child = spawn(node, [cli, 'show', 'ticker', '--json'], { env });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.on('exit', () => resolve(out));
  }),
);
const stored = shown.series.find((s) => s.name === 'tick')?.count ?? 0;
const tickRatio = tickRun.ms / tickBare.ms;
report({ name: `1 metric/ms for ${seconds}s: points stored of printed`, value: stored, unit: `of ${printed}`, target: 'all', ok: stored === printed });
report({
  name: `1 metric/ms for ${seconds}s: wall time vs bare`,
  value: tickRun.ms,
  unit: 'ms',
  baseline: tickBare.ms,
  ratio: tickRatio,
  target: '<= 1.02x',
  ok: tickRatio <= 1.02,
});

// 3. `runmeter show` on a run with 10 million points, against the CLI's own start-up (`runmeter --version`).
const { openStore } = await import(path.join(root, 'dist', 'store', 'open.js'));
const store = openStore(home, {});
const run = await store.createRun({
  name: 'ten-million',
  command: ['bench'],
  cwd: root,
  host: os.hostname(),
  user: 'bench',
  startTime: Date.now(),
  version: '0',
  source: 'sdk',
  status: 'succeeded',
});
const total = Number(process.env.BENCH_POINTS ?? 10_000_000);
const batch = 500_000;
for (let start = 0; start < total; start += batch) {
  const points = [];
  for (let i = start; i < Math.min(total, start + batch); i++)
    points.push({ series: { name: 'loss', kind: 'training', context: 'training' }, time: 1e12 + i, step: i, value: 1 / (i + 1) });
  await store.appendPoints(run.id, points);
}
await store.close();
const showTimes = [];
const versionTimes = [];
for (let round = 0; round < 5; round++) {
  versionTimes.push((await timed(`${node} ${cli} --version > /dev/null`)).ms);
  showTimes.push((await timed(`${node} ${cli} show ten-million > /dev/null`)).ms);
}
report({
  name: `show on a ${total / 1e6}M-point run`,
  value: median(showTimes),
  unit: 'ms',
  baseline: median(versionTimes),
  ratio: median(showTimes) / median(versionTimes),
  target: '< 500 ms',
  ok: median(showTimes) < 500,
});

// 4. A run's own cost: the CPU of `runmeter run -q -- true` (every thread: start-up, store, workers, end of run), against
// the CLI's start-up (`runmeter --version`). Both from bash's `times` (CPU of the commands it waited for).
/** User + system CPU ms of a command line, from bash's `times` (its second line: the children's). */
async function cpuOf(commandLine) {
  const out = path.join(home, 'times');
  await timed(`${commandLine}; times > ${out}`);
  const children = fs.readFileSync(out, 'utf8').trim().split('\n')[1] ?? '';
  const seconds = [...children.matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60 + Number(m[2]));
  return (seconds[0] + seconds[1]) * 1000;
}
const runCpu = [];
const versionCpu = [];
for (let round = 0; round < 7; round++) {
  versionCpu.push(await cpuOf(`${node} ${cli} --version > /dev/null`));
  runCpu.push(await cpuOf(`${node} ${cli} run -q --name nothing -- true > /dev/null`));
}
report({
  name: 'CPU of recording a job that does nothing (run -q -- true)',
  value: Math.round(median(runCpu)),
  unit: 'ms',
  baseline: Math.round(median(versionCpu)),
  ratio: median(runCpu) / median(versionCpu),
  target: 'info',
});
fs.rmSync(home, { recursive: true, force: true });
