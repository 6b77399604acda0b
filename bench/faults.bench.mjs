// Benchmarks of issue 11 (one recording pipeline): a job writing prebuilt blocks as fast as a pipe takes them, through
// runmeter against piped to `cat` (wall time and the job's own time to exit); runmeter's CPU at 1,000 metric lines a
// second and on an idle job against a psutil poller reading the same figures; runmeter's peak RSS on 3 M malformed
// metric lines. Sizes: BENCH_MB (200), BENCH_LINES (3,000,000).
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
const malformed = Number(process.env.BENCH_LINES ?? 3_000_000);
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'runmeter-bench-faults-'));
const env = { ...process.env, RUNMETER_HOME: home, RUNMETER_STORE: '' };

/**
 * Runs `command args`, polling /proc/<pid> of that process: wall ms, its CPU seconds and its peak RSS.
 */
function watched(command, args, { stdout = 'ignore', window } = {}) {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(command, args, { stdio: ['ignore', stdout, 'ignore'], env });
    /** CPU seconds from the scheduler's nanosecond counts of every thread (/proc/PID/task/TID/schedstat), where
     * utime+stime count 10 ms ticks: too coarse for an idle poller's 0.1 s over half a minute. */
    let cpuPrecise = 0;
    let peak = 0;
    /** With `window` ([from, to] ms after the start): the CPU seconds at the first polls past each. */
    const marks = [];
    const poll = () => {
      try {
        let ns = 0;
        for (const task of fs.readdirSync(`/proc/${child.pid}/task`))
          ns += Number(fs.readFileSync(`/proc/${child.pid}/task/${task}/schedstat`, 'utf8').split(' ')[0]);
        cpuPrecise = Math.max(cpuPrecise, ns / 1e9);
        const at = Number(process.hrtime.bigint() - start) / 1e6;
        if (window !== undefined && marks.length < 2 && at >= window[marks.length]) marks.push({ at, cpu: cpuPrecise });
        const hwm = Number(/VmHWM:\s+(\d+)/.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
        peak = Math.max(peak, hwm);
      } catch {}
    };
    const timer = setInterval(poll, 50);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearInterval(timer);
      const [from, to] = marks;
      const windowRate = to === undefined ? Number.NaN : (to.cpu - from.cpu) / ((to.at - from.at) / 1000);
      resolve({ ms: Number(process.hrtime.bigint() - start) / 1e6, code, cpuPrecise, peak, windowRate });
    });
  });
}

/** Runs a shell line; resolves with wall ms. */
function shell(line) {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn('bash', ['-c', line], { stdio: ['ignore', 'ignore', 'inherit'], env });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(Number(process.hrtime.bigint() - start) / 1e6) : reject(new Error(`${line}: exit ${code}`))));
  });
}

const q = (s) => `'${s.replaceAll("'", "'\\''")}'`;
const blocks = path.join(here, 'blocks-job.mjs');
const jobMs = path.join(home, 'job-ms');
const copyFile = path.join(home, 'copy-output');
const piped = [];
const metered = [];
const pipedJob = [];
const meteredJob = [];
const copiedJob = [];
const lateJob = [];
/** The blocks job started 1.5 s after runmeter (its writing timed alone): the cost once runmeter is up, without its start-up. */
const lateStart = 1500;
/**
 * Each command starts alike: the copy and the run of the one before removed, and no dirty pages waiting (sync), or
 * the kernel's writeback of the 1.2 GB the metered runs keep would slow whichever command came later.
 */
const floodHome = path.join(home, 'flood');
const fresh = async () => {
  fs.rmSync(copyFile, { force: true });
  fs.rmSync(floodHome, { recursive: true, force: true });
  await shell('sync');
};
const meteredLine = (delay) =>
  `RUNMETER_HOME=${q(floodHome)} ${q(node)} ${q(cli)} run -q -- ${q(node)} ${q(blocks)} ${megabytes} ${q(jobMs)} ${delay} | cat > /dev/null`;
for (let i = 0; i < 3; i++) {
  await fresh();
  piped.push(await shell(`${q(node)} ${q(blocks)} ${megabytes} ${q(jobMs)} | cat > /dev/null`));
  pipedJob.push(Number(fs.readFileSync(jobMs, 'utf8')));
  // What keeping a copy of the output costs the job by itself: `cat` writing it to a file on the same disk. (Not
  // `tee FILE`: GNU tee moves 8 KB a call, cat 128 KB, so tee's own system calls would slow the job more than the copy.)
  await fresh();
  await shell(`${q(node)} ${q(blocks)} ${megabytes} ${q(jobMs)} | cat > ${q(copyFile)}`);
  copiedJob.push(Number(fs.readFileSync(jobMs, 'utf8')));
  await fresh();
  metered.push(await shell(meteredLine(0)));
  meteredJob.push(Number(fs.readFileSync(jobMs, 'utf8')));
  await fresh();
  await shell(meteredLine(lateStart));
  lateJob.push(Number(fs.readFileSync(jobMs, 'utf8')));
}
await fresh();
const flood = median(metered) / median(piped);
report({
  name: `${megabytes} MB of blocks: runmeter vs | cat`,
  value: median(metered),
  unit: 'ms',
  baseline: median(piped),
  ratio: flood,
  target: '<= 1.3x',
  ok: flood <= 1.3,
});
const own = median(meteredJob) / median(pipedJob);
report({
  name: "the job's own time to exit vs | cat",
  value: median(meteredJob),
  unit: 'ms',
  baseline: median(pipedJob),
  ratio: own,
  target: '<= 1.05x',
  ok: own <= 1.05,
});
report({
  name: "the job's own time to exit vs | cat > FILE (keeping a copy, as runmeter does)",
  value: median(meteredJob),
  unit: 'ms',
  baseline: median(copiedJob),
  ratio: median(meteredJob) / median(copiedJob),
  target: 'info',
});
report({
  name: `the same job flooding ${lateStart / 1000} s after start (runmeter up): its time vs | cat > FILE`,
  value: median(lateJob),
  unit: 'ms',
  baseline: median(copiedJob),
  ratio: median(lateJob) / median(copiedJob),
  target: 'info',
});

// 1,000 metric lines a second: runmeter's CPU as a share of one core. A training run prints for hours, so the figure
// is the steady cost: the CPU of every thread (scheduler nanoseconds) between 30 s and 55 s of a 60 s run, after
// start-up and V8's compiling of the hot code, before the end. At this rate code gets hot slowly: from 8 s to 23 s
// V8's helper threads still compile it (0.22% of a core on 2026-12-04, against 0.01-0.03% from 30 s on; perf shows
// TurboFan at work then). Three runs (the machine's noise moves one by half): the median. The whole life of a run
// is shown beside it.
const paced = path.join(root, 'test', 'fixtures', 'jobs', 'paced-metrics.mjs');
const pacedSeconds = 60;
const pacedWindow = [30_000, 55_000];
const busy = [];
for (let i = 0; i < 3; i++)
  busy.push(
    await watched(node, [cli, 'run', '-q', '--no-system', '--', node, paced, String(1000 * pacedSeconds), String(pacedSeconds)], { window: pacedWindow }),
  );
const shares = busy.map((b) => b.windowRate);
const share = median(shares);
report({
  name: `CPU at 1,000 metric lines/s (steady: ${pacedWindow.map((ms) => ms / 1000).join('-')} s of a ${pacedSeconds} s run, median of ${shares.map((x) => (x * 100).toFixed(2)).join(', ')})`,
  value: share * 100,
  unit: '% of a core',
  target: '<= 1%',
  ok: share <= 0.01,
});
report({
  name: `CPU at 1,000 metric lines/s (a ${pacedSeconds} s run's whole life)`,
  value: median(busy.map((b) => b.cpuPrecise / (b.ms / 1000))) * 100,
  unit: '% of a core',
  target: 'info',
});

// An idle job: runmeter sampling system metrics (every second) against psutil reading the same figures each second.
// Each side's steady cost is the CPU of every thread of its process (scheduler nanoseconds) from 20 s to 60 s of a
// 62 s run, both sides run at once. (Until 2026-12-04 it was a 62 s run minus a 2 s one, so that start-up cancels
// out; but V8 compiles runmeter's code over its first ~20 s, which the short run never pays: that measured runmeter
// at 0.34-0.40% of a core where its steady cost is 0.26%, and the poller at 0.31-0.35%.)
const idleSeconds = 2 + Number(process.env.BENCH_IDLE_SECONDS ?? 60);
const idleWindow = [20_000, (idleSeconds - 2) * 1000];
const poller = [
  'import psutil, sys, time',
  'job = psutil.Popen(["sleep", sys.argv[1]])',
  'while job.poll() is None:',
  '    psutil.cpu_percent(percpu=True); psutil.virtual_memory(); psutil.disk_io_counters(); psutil.net_io_counters()',
  '    with job.oneshot(): job.cpu_percent(); job.memory_info(); job.num_threads()',
  '    [c.memory_info() for c in job.children(recursive=True)]',
  '    time.sleep(1)',
].join('\n');
const [idleRate, psutilRate] = (
  await Promise.all([
    watched(node, [cli, 'run', '-q', '--', 'sleep', String(idleSeconds)], { window: idleWindow }),
    watched('/usr/bin/python3', ['-c', poller, String(idleSeconds)], { window: idleWindow }),
  ])
).map((run) => run.windowRate);
const idleRatio = idleRate / psutilRate;
report({
  name: `CPU on an idle job vs a psutil poller (steady: ${idleWindow.map((ms) => ms / 1000).join('-')} s of a ${idleSeconds} s run)`,
  value: idleRate * 100,
  unit: '% of a core',
  baseline: psutilRate * 100,
  ratio: idleRatio,
  target: '<= 1x',
  ok: idleRatio <= 1,
});

// 3 M malformed metric lines: runmeter's peak RSS (its ingest worker is a thread of the same process).
const bad = path.join(root, 'test', 'fixtures', 'jobs', 'malformed-metrics.mjs');
const rss = await watched(node, [cli, 'run', '-q', '--', node, bad, String(malformed)]);
report({
  name: `peak RSS on ${malformed.toLocaleString('en-US')} malformed lines`,
  value: rss.peak / 2 ** 20,
  unit: 'MB',
  target: '<= 150 MB',
  ok: rss.peak <= 150 * 2 ** 20,
});
fs.rmSync(home, { recursive: true, force: true });
