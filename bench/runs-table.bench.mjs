// Benchmark of the dashboard's runs table (issue 15): with 10,000 runs (params, tags, two metrics each), the time from
// the runs being read to the table drawn (< 500 ms) and from a keystroke in the filter to the rows shown (< 100 ms),
// measured in headless Chromium by the page's own performance marks, each against the same with 10 runs.
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
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'runmeter-bench-runs-'));
const many = Number(process.env.BENCH_RUNS ?? 10_000);
const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const { openStore } = await import(path.join(root, 'dist', 'store', 'open.js'));

/** A store of `n` sweep runs: lr, bs and optimiser params, tags, loss and val_loss with 5 points each. */
async function seed(dir, n) {
  const store = openStore(dir, {});
  for (let i = 0; i < n; i++) {
    const lr = 10 ** -(1 + (i % 4));
    const run = await store.createRun({
      name: `train_mlp.py`,
      command: ['python', 'train_mlp.py', '--lr', String(lr)],
      cwd: root,
      host: 'bench',
      user: 'bench',
      startTime: 1e12 + i * 1000,
      version: '0',
      source: 'sdk',
      params: { lr, bs: 32 << (i % 3), optimizer: i % 2 ? 'adam' : 'sgd' },
      tags: i % 5 === 0 ? ['sweep', 'best'] : ['sweep'],
    });
    const points = [];
    for (let s = 0; s < 5; s++) {
      points.push({ series: { name: 'loss', kind: 'training' }, time: 1e12 + s, step: s, value: 1 / (1 + s * lr * (i % 7)) });
      points.push({ series: { name: 'val_loss', kind: 'training' }, time: 1e12 + s, step: s, value: 1.1 / (1 + s * lr) });
    }
    await store.appendPoints(run.id, points);
    await store.updateRun(run.id, { status: i % 9 === 0 ? 'failed' : 'succeeded', exitCode: i % 9 === 0 ? 1 : 0, endTime: 1e12 + i * 1000 + 60_000 });
  }
  await store.close();
}

/** Starts `runmeter ui` over a store and resolves with its URL. */
function startUi(dir) {
  const child = spawn(process.execPath, [cli, 'ui', '--port', '0', '--store', dir], {
    env: { ...process.env, RUNMETER_HOME: home },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  return new Promise((resolve, reject) => {
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
      const match = /dashboard at (http:\/\/\S+?)\/? /.exec(stderr);
      if (match) resolve({ url: match[1], child });
    });
    child.on('exit', (code) => reject(new Error(`runmeter ui exited ${code}: ${stderr}`)));
  });
}

const browser = await chromium.launch({ executablePath: chromiumPath, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] });
const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
const lastMeasure = (name) => page.evaluate((n) => performance.getEntriesByName(n).at(-1)?.duration ?? Number.NaN, name);

/** Median render and filter times (ms) of the runs page over a store of `n` runs. */
async function measure(n) {
  const dir = path.join(home, `store-${n}`);
  await seed(dir, n);
  const { url, child } = await startUi(dir);
  const renders = [];
  const filters = [];
  for (let round = 0; round <= 5; round++) {
    await page.goto('about:blank');
    await page.goto(`${url}/#/`);
    await page.waitForSelector(`.runs-grid-body[data-rendered="${n}"], [data-rendered="${n}"]`, { timeout: 60_000 });
    if (round > 0) renders.push(await lastMeasure('runs:render'));
    for (const text of ['lr > 0.005 and tag:best', 'status = failed', 'adam', '']) {
      await page.fill('.filter-box input', text);
      await page.waitForFunction(
        (t) => performance.getEntriesByName('runs:filter').length > 0 && document.querySelector('.filter-box input').value === t,
        text,
        { polling: 'raf' },
      );
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      if (round > 0) filters.push(await lastMeasure('runs:filter'));
    }
  }
  child.kill('SIGINT');
  return { render: median(renders), filter: median(filters) };
}

const small = await measure(10);
const big = await measure(many);
await browser.close();
fs.rmSync(home, { recursive: true, force: true });
report({
  name: `runs table, ${many} runs, read -> drawn`,
  value: big.render,
  unit: 'ms',
  baseline: small.render,
  ratio: big.render / small.render,
  target: '< 500 ms',
  ok: big.render < 500,
});
report({
  name: `runs table, ${many} runs, keystroke -> filtered`,
  value: big.filter,
  unit: 'ms',
  baseline: small.filter,
  ratio: big.filter / small.filter,
  target: '< 100 ms',
  ok: big.filter < 100,
});
