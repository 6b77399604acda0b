import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { root, runCli, startCli, tempHome } from '../helpers/cli.js';
import { artifacts, checkBrowserTests, chromiumMissing, launchBrowser, onCi, startUi } from './browser.js';

const job = path.join(root, 'test', 'e2e', 'fixtures', 'live-job.mjs');
const baselineJob = path.join(root, 'test', 'e2e', 'fixtures', 'baseline-job.mjs');
const baselineSteps = 40;
const hostileName = '<img src=x onerror="window.__pwned=\'name\'">';
const hostileArg = '<script>window.__pwned="command"</script>';

let browser: Browser;
let page: Page;
let home: string;
let ui: ReturnType<typeof startCli>;
let url: string;
let steps = 0;

/** Points drawn on a chart, as the chart reports them. */
async function chartPoints(title: string, within = ''): Promise<number> {
  return Number((await page.getAttribute(`${within} .chart-card[data-chart="${title}"]`.trim(), 'data-points')) ?? 0);
}

/** The page's globals, typed just enough: the tests are type-checked without the DOM's types. */
interface PageGlobals {
  __pwned?: unknown;
  document: { body: unknown; querySelectorAll(selector: string): { length: number } };
  localStorage: { getItem(key: string): string | null };
  getComputedStyle(element: unknown): { backgroundColor: string };
}

/** True when nothing the job printed ran as code in the page. */
async function notInjected(): Promise<boolean> {
  return page.evaluate(() => {
    const g = globalThis as unknown as PageGlobals;
    return g.__pwned === undefined && g.document.querySelectorAll('img[src="x"], .page script').length === 0;
  });
}

describe.skipIf(chromiumMissing && !onCi)('dashboard in a real browser', () => {
  beforeAll(async () => {
    checkBrowserTests();
    home = tempHome();
    ({ url, ui } = await startUi(home));
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  });

  afterAll(async () => {
    await browser?.close();
    ui?.child.kill('SIGINT');
    await ui?.done;
  });

  it('shows a live job: the run appears, its charts gain points, Time/Step toggles, the log follows, HTML stays text', { timeout: 90_000 }, async () => {
    await page.goto(`${url}/`);
    await page.waitForSelector('.empty-state');

    // The job prints metrics once the start file exists, and until the stop file exists, so that it is still running
    // whatever the machine's load.
    const stopFile = path.join(home, 'stop');
    const startFile = path.join(home, 'start');
    const run = startCli(['run', '--name', hostileName, '--', process.execPath, job, stopFile, startFile, hostileArg], { home });

    // The runs list picks the new run up live, with its name and command as text.
    const row = page.locator('.run-row').first();
    await row.waitFor({ timeout: 10_000 });
    expect(await row.locator('.run-name').textContent()).toBe(hostileName);
    expect(await row.locator('.cell-command').textContent()).toContain(hostileArg);
    await row.locator('.status-running').waitFor();
    await row.click();
    await page.waitForFunction(() => (globalThis as unknown as { location: { hash: string } }).location.hash.startsWith('#/runs/'), undefined, {
      timeout: 5000,
    });

    // Opened before the job's first metric, with system metrics already there: the page stays on the (empty) metrics.
    await expect.poll(() => page.locator('.tab[data-tab="system"] .tab-count').textContent(), { timeout: 10_000 }).not.toBe('0');
    expect(await page.locator('.tab.active').getAttribute('data-tab')).toBe('charts');
    expect(await page.locator('.tab-panel:not([hidden]) .empty-state h2').first().textContent()).toBe('No training metrics yet');
    fs.writeFileSync(startFile, '');

    // The loss chart appears and gains points while the job runs.
    await page.waitForSelector('.chart-card[data-chart="loss"][data-points]', { timeout: 10_000 });
    const before = await chartPoints('loss');
    await expect.poll(() => chartPoints('loss'), { timeout: 10_000 }).toBeGreaterThan(before);
    expect(await page.locator('.run-header .status').textContent()).toBe('Running');
    expect(await page.locator('.run-title').textContent()).toBe(hostileName);
    expect(await page.locator('.chart-card[data-chart="loss"] .legend-label').allTextContents()).toContain('loss');
    await page.waitForSelector('.chart-card[data-chart="<img src=x onerror=\\"window.__pwned=1\\">"]', { timeout: 10_000 });

    // Step, then Time: the choice is remembered.
    await page.click('.tab-panel:not([hidden]) .chart-toolbar .segment[data-value="step"]');
    await page.waitForSelector('.chart-card[data-chart="loss"] canvas');
    await page.click('.tab-panel:not([hidden]) .chart-toolbar .segment[data-value="time"]');
    await page.waitForSelector('.chart-card[data-chart="loss"][data-points] canvas');
    expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).localStorage.getItem('runmeter.run.x'))).toBe('time');
    await page.screenshot({ path: path.join(artifacts, 'run-page-live.png') });

    // The log, with what the job printed shown as text, following new lines.
    await page.click('.tab[data-tab="logs"]');
    // A line selected (triple-click) while the log grows stays selected, to be copied. The click goes where a line is,
    // by the mouse: a locator's click would first scroll its line into view, and the log would stop following.
    await page.locator('.log-line .log-text').nth(-5).waitFor();
    const view = await page.locator('.log-scroll').boundingBox();
    if (!view) throw new Error('the log is not shown');
    await page.mouse.click(view.x + 150, view.y + view.height - 110, { clickCount: 3 });
    const selected = () => page.evaluate('String(getSelection())') as Promise<string>;
    const chosenText = (await selected()).trim();
    expect(await page.locator('.log-line .log-text', { hasText: chosenText }).count()).toBeGreaterThan(0);
    expect(chosenText).toMatch(/^\{"metric"/);
    const lastLine = await page.locator('.log-line .log-text').last().textContent();
    await expect.poll(() => page.locator('.log-line .log-text').last().textContent(), { timeout: 10_000 }).not.toBe(lastLine);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await selected()).trim()).toBe(chosenText);
    // It follows the tail: the job's last line arrives at the bottom.
    fs.writeFileSync(stopFile, '');
    await page.locator('.log-line .log-text', { hasText: /^done after \d+ steps$/ }).waitFor({ timeout: 15_000 });
    steps = Number(/\d+/.exec((await page.locator('.log-line .log-text', { hasText: /^done after/ }).textContent()) ?? '')?.[0]);
    await page.fill('.log-toolbar input[type="search"]', 'pwned');
    const printed = page.locator('.log-line .log-text', { hasText: 'starting' });
    await printed.waitFor();
    expect(await printed.textContent()).toBe('<script>window.__pwned = "log"</script> starting <img src=x onerror="window.__pwned=\'img\'">');
    expect(await page.locator('.log-text mark').first().textContent()).toBe('pwned');
    await page.click('.log-toolbar .segment[data-value="stderr"]');
    await page.fill('.log-toolbar input[type="search"]', '');
    await expect.poll(() => page.locator('.log-line').count()).toBe(1);
    expect(await page.locator('.log-stderr .log-text').textContent()).toBe('warning: <b>not bold</b>');
    await page.click('.log-toolbar .segment[data-value="all"]');

    const result = await run.done;
    expect(result.code).toBe(0);
    await page.locator('.run-header .status-succeeded').waitFor({ timeout: 10_000 });
    expect(await notInjected()).toBe(true);
  });

  it('keeps everything after the job ends, with the x axis as the user left it', { timeout: 60_000 }, async () => {
    await page.reload();
    await page.click('.tab[data-tab="charts"]');
    await page.waitForSelector('.chart-card[data-chart="loss"][data-points] canvas');
    // Every loss point, and a val_loss point every 10 steps.
    expect(await chartPoints('loss')).toBe(steps + Math.floor(steps / 10));
    expect(await page.locator('.tab-panel:not([hidden]) .chart-toolbar .segment.active').first().textContent()).toBe('Time');
    await page.click('.tab-panel:not([hidden]) .chart-toolbar .segment[data-value="step"]');
    const all = steps + Math.floor(steps / 10);
    await page.waitForSelector(`.chart-card[data-chart="loss"][data-points="${all}"] canvas`);

    // Drag to zoom: the range is read again and fewer points are drawn; a double-click zooms back out.
    const plot = await page.locator('.chart-card[data-chart="loss"] .u-over').boundingBox();
    if (!plot) throw new Error('the loss chart has no plot area');
    await page.mouse.move(plot.x + plot.width * 0.4, plot.y + plot.height / 2);
    await page.mouse.down();
    await page.mouse.move(plot.x + plot.width * 0.7, plot.y + plot.height / 2, { steps: 5 });
    await page.mouse.up();
    await page.waitForSelector('.chart-card[data-chart="loss"].zoomed');
    await expect.poll(() => chartPoints('loss')).toBeLessThan(all);
    expect(await page.locator('.tab-panel:not([hidden]) .chart-toolbar button', { hasText: 'Reset zoom' }).isEnabled()).toBe(true);
    await page.mouse.dblclick(plot.x + plot.width / 2, plot.y + plot.height / 2);
    await page.waitForSelector(`.chart-card[data-chart="loss"]:not(.zoomed)[data-points="${all}"]`);
    await page.screenshot({ path: path.join(artifacts, 'run-page.png'), fullPage: true });
    await page.click('.tab[data-tab="system"]');
    await page.waitForSelector('.chart-card[data-chart="CPU utilization"][data-points] canvas', { timeout: 10_000 });
    await page.screenshot({ path: path.join(artifacts, 'run-page-system.png') });
    // The theme follows the OS, charts included.
    await page.emulateMedia({ colorScheme: 'dark' });
    expect(
      await page.evaluate(() => {
        const g = globalThis as unknown as PageGlobals;
        return g.getComputedStyle(g.document.body).backgroundColor;
      }),
    ).toBe('rgb(14, 17, 22)');
    await page.screenshot({ path: path.join(artifacts, 'run-page-system-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });
    await page.goto(`${url}/`);
    await page.waitForSelector('.run-row .status-succeeded');
    await page.screenshot({ path: path.join(artifacts, 'runs-page.png') });
    expect(await notInjected()).toBe(true);
  });

  it('compares two runs selected on the Runs page: one chart per metric, one line per run', { timeout: 60_000 }, async () => {
    const baseline = await runCli(['run', '--name', 'baseline', '--', process.execPath, baselineJob], { home });
    expect(baseline.code).toBe(0);
    await page.goto(`${url}/`);
    await expect.poll(() => page.locator('.run-row .status-succeeded').count(), { timeout: 10_000 }).toBe(2);

    const compare = page.locator('.button-primary', { hasText: 'Compare' });
    expect(await compare.isDisabled()).toBe(true);
    for (const row of await page.locator('.run-row').all()) await row.locator('.cell-select input[type="checkbox"]').check();
    await expect.poll(() => compare.textContent()).toBe('Compare 2 runs');
    await compare.click();

    await page.waitForSelector('.compare-page .chart-card[data-chart="loss"][data-points] canvas', { timeout: 10_000 });
    expect(await page.locator('.compare-page h1').textContent()).toBe('Compare 2 runs');
    const loss = page.locator('.compare-page .chart-card[data-chart="loss"]');
    expect(await page.locator('.compare-page .chart-card[data-chart="loss"]').count()).toBe(1);
    expect((await loss.locator('.legend-label').allTextContents()).sort()).toEqual([hostileName, 'baseline'].sort());
    // Both runs' loss points are drawn: the first run's every step and the baseline's 40.
    await expect.poll(() => chartPoints('loss', '.compare-page')).toBe(steps + baselineSteps);
    // Each run has its own colour on every chart.
    const colors = await loss
      .locator('.legend-swatch')
      .evaluateAll((swatches: unknown[]) => swatches.map((swatch) => (globalThis as unknown as PageGlobals).getComputedStyle(swatch).backgroundColor));
    expect(new Set(colors).size).toBe(2);
    expect(await page.locator('.compare-legend .compare-run-name').allTextContents()).toEqual(expect.arrayContaining([hostileName, 'baseline']));
    await page.screenshot({ path: path.join(artifacts, 'compare-page.png'), fullPage: true });
    expect(await notInjected()).toBe(true);
  });

  it('shows each node of a joined run in its log, picked from a list that the URL keeps', { timeout: 60_000 }, async () => {
    for (const node of ['alpha', 'beta']) {
      const result = await runCli(
        ['run', '--join', 'e2e-join', '--node', node, '--no-system', '--', process.execPath, '-e', `console.log('hello from ${node}')`],
        {
          home,
        },
      );
      expect(result.code).toBe(0);
    }
    const { run } = JSON.parse((await runCli(['show', 'last', '--json'], { home })).stdout.toString());
    await page.goto(`${url}/#/runs/${run.id}/logs`);
    await page.waitForSelector('.log-node-select');
    expect(await page.locator('.log-node-select option').allTextContents()).toEqual(['alpha', 'beta']);
    await expect.poll(() => page.locator('.log-text').allTextContents()).toContain('hello from alpha');
    await page.selectOption('.log-node-select', 'beta');
    await expect.poll(() => page.locator('.log-text').allTextContents()).toContain('hello from beta');
    expect(await page.locator('.log-text').allTextContents()).not.toContain('hello from alpha');
    await page.reload();
    await expect.poll(() => page.locator('.log-text').allTextContents()).toContain('hello from beta');
    expect(await page.locator('.log-node-select').inputValue()).toBe('beta');
  });

  it('shows why a failed run ended in its header, as text, with its logs a click away', { timeout: 60_000 }, async () => {
    // Enough output before the error that the log must scroll to show it.
    const script = "import sys\nfor i in range(3000): print(f'epoch {i} working')\nprint('<img src=x onerror=globalThis.__pwned=1>', file=sys.stderr)\n1 / 0\n";
    const failed = await runCli(['run', '--name', 'diverged', '--', '/usr/bin/python3', '-c', script], { home });
    expect(failed.code).toBe(1);
    const { run } = JSON.parse((await runCli(['show', 'diverged', '--json'], { home })).stdout.toString());
    await page.goto(`${url}/#/runs/${run.id}`);
    await page.waitForSelector('.run-cause');
    expect(await page.locator('.run-cause-text').textContent()).toBe('ZeroDivisionError: division by zero');
    await page.locator('.run-cause a').click();
    await page.waitForSelector('.tab[data-tab="logs"].active, .tab[data-tab="logs"][aria-selected="true"]');
    // The link names the line: it is marked and scrolled into view.
    await page.waitForSelector('.log-line.log-target');
    expect(await page.locator('.log-line.log-target .log-text').textContent()).toBe('ZeroDivisionError: division by zero');
    expect(await page.locator('.log-line.log-target').isVisible()).toBe(true);
    await page.screenshot({ path: path.join(artifacts, 'run-page-failed.png') });
    expect(await notInjected()).toBe(true);
  });
});
