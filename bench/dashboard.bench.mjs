// Benchmarks of the dashboard (issue 5): a 2,000-bucket query over a 10M-point series against a plain scan of its
// points; opening that series in headless Chromium; first paint of a run page with 12 charts of 100k points against
// an empty run page; and the delay from a job printing a metric under `runmeter run` to the browser drawing it.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { median, report } from './lib.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const cli = path.join(root, 'bin', 'runmeter');
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'runmeter-bench-dashboard-'));
const storeDir = path.join(home, 'store');
const env = { ...process.env, RUNMETER_HOME: home, RUNMETER_STORE: '' };
const bigPoints = Number(process.env.BENCH_POINTS ?? 10_000_000);
const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';

const { openStore } = await import(path.join(root, 'dist', 'store', 'open.js'));
const store = openStore(storeDir, {});
const newRun = (name) =>
  store.createRun({
    name,
    command: ['bench'],
    cwd: root,
    host: os.hostname(),
    user: 'bench',
    startTime: 1e12,
    endTime: 1e12 + bigPoints,
    version: '0',
    source: 'sdk',
    status: 'succeeded',
  });

/** Appends `n` points of one series in big batches: a noisy decaying loss, one point per ms and step. */
async function fill(runId, name, n) {
  const batch = 500_000;
  for (let start = 0; start < n; start += batch) {
    const points = [];
    for (let i = start; i < Math.min(n, start + batch); i++) {
      points.push({ series: { name, kind: 'training' }, time: 1e12 + i, step: i, value: 1 / (1 + i / 1e4) + 0.01 * Math.sin(i) });
    }
    await store.appendPoints(runId, points);
  }
}

const big = await newRun('ten-million');
await fill(big.id, 'loss', bigPoints);
const wide = await newRun('twelve-charts');
for (let c = 0; c < 12; c++) await fill(wide.id, `metric_${String(c).padStart(2, '0')}`, 100_000);
const empty = await newRun('empty');
const [bigSeries] = await store.listSeries(big.id);

// 1. The query, against reading every point once (what a store without summaries would do), in this process.
async function timeIt(work, rounds = 5) {
  await work();
  const times = [];
  for (let r = 0; r < rounds; r++) {
    const start = performance.now();
    await work();
    times.push(performance.now() - start);
  }
  return median(times);
}
const queryMs = await timeIt(() => store.querySeries(bigSeries.id, { x: 'step', buckets: 2000 }));
const scanMs = await timeIt(async () => {
  let min = Number.POSITIVE_INFINITY;
  for await (const batch of store.readPoints(bigSeries.id)) for (const v of batch.value) if (v < min) min = v;
}, 1);
report({
  name: `2,000-bucket query, ${bigPoints / 1e6}M points`,
  value: queryMs,
  unit: 'ms',
  baseline: scanMs,
  ratio: queryMs / scanMs,
  target: '< 100 ms',
  ok: queryMs < 100,
});
await store.close();

// The server as a user runs it, in its own process.
const ui = spawn(process.execPath, [cli, 'ui', '--port', '0', '--store', storeDir], { env, stdio: ['ignore', 'ignore', 'pipe'] });
const url = await new Promise((resolve, reject) => {
  let text = '';
  ui.stderr.on('data', (chunk) => {
    text += chunk;
    const match = /dashboard at (http:\/\/\S+?)\/? /.exec(text);
    if (match) resolve(match[1]);
  });
  ui.on('exit', () => reject(new Error(`runmeter ui exited: ${text}`)));
});

const apiTimes = [];
for (let r = 0; r < 6; r++) {
  const start = performance.now();
  await (await fetch(`${url}/api/v1/runs/${big.id}/series/${bigSeries.id}/data?x=step&buckets=2000`)).json();
  apiTimes.push(performance.now() - start);
}
report({
  name: `2,000 buckets over HTTP, ${bigPoints / 1e6}M points`,
  value: median(apiTimes.slice(1)),
  unit: 'ms',
  target: '< 100 ms',
  ok: median(apiTimes.slice(1)) < 100,
});

const browser = await chromium.launch({
  executablePath: chromiumPath,
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});
const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });

/** Opens a run page and returns ms from navigation start until `ready` holds in a frame (checked every frame). */
async function openMs(runId, ready, rounds = 3) {
  const times = [];
  for (let r = 0; r <= rounds; r++) {
    await page.goto('about:blank');
    await page.goto(`${url}/#/runs/${runId}`, { waitUntil: 'commit' });
    const handle = await page.waitForFunction(ready, undefined, { polling: 'raf', timeout: 30_000 });
    if (r > 0) times.push(await handle.jsonValue());
  }
  return median(times);
}
const chartsDrawn = (n) =>
  new Function(`const drawn = document.querySelectorAll('.chart-card[data-points] canvas').length; return drawn >= ${n} ? performance.now() : false;`);
const emptyMs = await openMs(empty.id, () => (document.querySelector('.tab-panel .empty-state') ? performance.now() : false));
const twelveMs = await openMs(wide.id, chartsDrawn(12));
report({
  name: 'run page, 12 charts x 100k points, first paint',
  value: twelveMs,
  unit: 'ms',
  baseline: emptyMs,
  ratio: twelveMs / emptyMs,
  target: '< 1000 ms',
  ok: twelveMs < 1000,
});
const bigMs = await openMs(big.id, chartsDrawn(1));
report({
  name: `run page, one ${bigPoints / 1e6}M-point series, open`,
  value: bigMs,
  unit: 'ms',
  baseline: emptyMs,
  ratio: bigMs / emptyMs,
  target: '< 1000 ms',
  ok: bigMs < 1000,
});

// 4. Live: a job under `runmeter run` prints a metric line when told to; how long until the chart has the point.
const jobScript = `let step = 0; process.stdin.on('data', () => { step++; process.stdout.write(JSON.stringify({ metric: 'loss', value: 1 / step, step }) + '\\n'); });`;
const job = spawn(process.execPath, [cli, 'run', '--store', storeDir, '--name', 'live', '--', process.execPath, '-e', jobScript], {
  env,
  stdio: ['pipe', 'ignore', 'ignore'],
});
job.stdin.write('\n');
await page.goto(`${url}/#/`);
await page.locator('.run-row', { hasText: 'live' }).first().click({ timeout: 20_000 });
await page.waitForSelector('.chart-card[data-chart="loss"][data-points="1"]', { timeout: 20_000 });
const delays = [];
for (let step = 2; step <= 11; step++) {
  const start = performance.now();
  job.stdin.write('\n');
  await page.waitForSelector(`.chart-card[data-chart="loss"][data-points="${step}"]`, { timeout: 10_000 });
  delays.push(performance.now() - start);
  await new Promise((resolve) => setTimeout(resolve, 150 + Math.random() * 200));
}
report({ name: 'job prints a metric -> drawn in the browser', value: median(delays), unit: 'ms', target: '< 1000 ms', ok: median(delays) < 1000 });
job.stdin.end();
await new Promise((resolve) => job.on('exit', resolve));

await browser.close();
ui.kill('SIGINT');
await new Promise((resolve) => ui.on('exit', resolve));
fs.rmSync(home, { recursive: true, force: true });
