import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SeriesPoint } from '../../src/model/point.js';
import { openStore } from '../../src/store/open.js';
import { type startCli, tempHome } from '../helpers/cli.js';
import { createRun, metricPoints, t0 } from '../server/helpers.js';
import { artifacts, checkBrowserTests, chromiumMissing, launchBrowser, onCi, startUi } from './browser.js';

const layers = 12;

let browser: Browser;
let page: Page;
let home: string;
let ui: ReturnType<typeof startCli>;
let url: string;
let runId: string;
let shortRunId: string;
/** Errors the page threw: a chart that fails to draw throws inside uPlot, and the page just stays blank. */
const pageErrors: string[] = [];

/**
 * One run shaped like the issue's: loss for training and validation on one chart, a learning rate that starts at 0
 * (a log axis cannot draw it), 12 `grad_norm/layer_NN` charts, two `attn/` charts, epochs 0–4 over 50 steps, and
 * memory in bytes. A second run stops at step 20, for hover on Compare.
 */
async function seed(): Promise<void> {
  const store = openStore(undefined, { RUNMETER_HOME: home });
  const run = await createRun(store, { name: 'resnet', params: { lr: 0.1 } });
  runId = run.id;
  const points: SeriesPoint[] = [
    ...metricPoints('loss', 50, (s) => 2 / (1 + s)),
    ...metricPoints('loss', 50, (s) => 2.2 / (1 + s), { context: 'validation' }),
    ...metricPoints('lr', 50, (s) => (s === 0 ? 0 : 0.001 * s)),
    ...metricPoints('attn/entropy', 50, (s) => s / 50),
    ...metricPoints('attn/sparsity', 50, (s) => s / 60),
  ];
  for (let layer = 0; layer < layers; layer++)
    points.push(...metricPoints(`grad_norm/layer_${String(layer).padStart(2, '0')}`, 50, (s) => 1 + layer + s / 100));
  for (const point of points) point.epoch = Math.floor((point.step ?? 0) / 10);
  for (let i = 0; i < 60; i++)
    points.push({ series: { name: 'system/memory_used_bytes', kind: 'system' }, time: t0 + i * 1000, value: 1.5 * 1024 ** 3 + i * 3 * 1024 ** 2 });
  await store.appendPoints(run.id, points);
  await store.updateRun(run.id, { status: 'succeeded', exitCode: 0, endTime: t0 + 60_000 });
  const short = await createRun(store, { name: 'short', params: { lr: 0.01 } });
  shortRunId = short.id;
  await store.appendPoints(
    short.id,
    metricPoints('loss', 21, (s) => 1 / (1 + s)),
  );
  await store.updateRun(short.id, { status: 'succeeded', exitCode: 0, endTime: t0 + 21_000 });
  await store.close();
}

const card = (title: string) => page.locator(`.chart-card[data-chart="${title}"]`);

/** The y axis's tick labels of a chart, as drawn (uPlot paints them; the chart tells them in an attribute). */
async function yTicks(title: string): Promise<string[]> {
  return ((await card(title).getAttribute('data-y-ticks')) ?? '').split('|').filter((t) => t !== '');
}

/** The x axis's tick labels, as drawn. */
async function xTicks(title: string): Promise<string[]> {
  return ((await card(title).getAttribute('data-x-ticks')) ?? '').split('|').filter((t) => t !== '');
}

/** Opens the run's Metrics tab with a query and waits for its charts. */
async function openRun(query = ''): Promise<void> {
  await page.goto(`${url}/#/runs/${runId}${query === '' ? '' : `?${query}`}`);
  await page.waitForSelector('.chart-card[data-chart="loss"][data-points]');
}

const hash = () => page.evaluate(() => (globalThis as unknown as { location: { hash: string } }).location.hash);

/** A view setting in the page's URL, decoded. */
async function setting(name: string): Promise<string | null> {
  return new URLSearchParams((await hash()).split('?')[1] ?? '').get(name);
}

describe.skipIf(chromiumMissing && !onCi)('charts people can shape, in a real browser', () => {
  beforeAll(async () => {
    checkBrowserTests();
    home = tempHome();
    await seed();
    ({ url, ui } = await startUi(home));
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('pageerror', (error) => pageErrors.push(String(error.stack ?? error)));
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    ui?.child.kill('SIGINT');
    await ui?.done;
  });

  it('folds a large section, opens it on a click, and keeps sections and the x axis in the URL', async () => {
    await openRun('x=step');
    const gradNorm = page.locator('.chart-section[data-section="grad_norm"]');
    await expect(gradNorm.getAttribute('class')).resolves.toContain('folded');
    expect(await gradNorm.locator('.chart-card').count()).toBe(0);
    expect(await gradNorm.locator('.chart-section-count').textContent()).toBe(`${layers} charts`);
    // Two attn/ charts: a small section, open.
    expect(await page.locator('.chart-section[data-section="attn"] .chart-card').count()).toBe(2);
    await gradNorm.locator('.chart-section-head').click();
    await page.waitForSelector('.chart-section[data-section="grad_norm"] .chart-card[data-points]');
    expect(await gradNorm.locator('.chart-card').count()).toBe(layers);
    expect(await setting('open')).toBe('grad_norm');
    // Integer steps tick at integers; epochs (whole numbers) never at 1.5.
    for (const tick of await xTicks('loss')) expect(Number(tick.replace(/,/g, ''))).toSatisfy(Number.isInteger);
    await page.locator('.chart-toolbar .segment[data-value="epoch"]').first().click();
    await page.waitForSelector('.chart-card[data-chart="loss"][data-points]');
    const epochTicks = await xTicks('loss');
    expect(epochTicks.length).toBeGreaterThan(1);
    for (const tick of epochTicks) expect(Number(tick)).toSatisfy(Number.isInteger);
    expect(await setting('x')).toBe('epoch');
    // Back undoes the axis, then the section.
    await page.goBack();
    await page.waitForFunction(() => (globalThis as unknown as { location: { hash: string } }).location.hash.includes('x=step'));
    await page.waitForSelector('.segment.active[data-value="step"]');
    await page.goBack();
    await page.waitForSelector('.chart-section.folded[data-section="grad_norm"]');
  });

  it('goes Back to the x axis shown before, when it came from the remembered default and not from the URL', async () => {
    await openRun();
    const shown = await page.locator('.chart-toolbar .segment.active').first().getAttribute('data-value');
    const other = shown === 'time' ? 'relative' : 'time';
    await page.locator(`.chart-toolbar .segment[data-value="${other}"]`).first().click();
    await expect.poll(() => setting('x')).toBe(other);
    await page.goBack();
    await page.waitForSelector(`.chart-toolbar .segment.active[data-value="${shown}"]`);
    expect(await setting('x')).toBe(shown);
  });

  it('filters charts by title or line, and says so when none match', async () => {
    await openRun();
    const filter = page.locator('.chart-toolbar input[type="search"]').first();
    await filter.fill('layer_03');
    await page.waitForSelector('.chart-card[data-chart="grad_norm/layer_03"]');
    expect(await page.locator('.chart-card:visible').count()).toBe(1);
    // A line's label matches too: `validation` is a line on the loss chart.
    await filter.fill('validation');
    await page.waitForSelector('.chart-card[data-chart="loss"]');
    expect(await page.locator('.chart-card:visible').count()).toBe(1);
    await filter.fill('nomatch');
    await page.waitForSelector('.chart-no-match:visible');
    expect(await page.locator('.chart-no-match:visible').textContent()).toContain('“nomatch”');
    expect(await setting('filter')).toBe('nomatch');
    await page.reload();
    await page.waitForSelector('.chart-no-match:visible');
    await page.locator('.chart-no-match:visible button').click();
    await page.waitForSelector('.chart-card[data-chart="loss"][data-points]');
    expect(await page.locator('.chart-toolbar input[type="search"]').first().inputValue()).toBe('');
  });

  it('draws a log scale per chart and for all, and counts values it cannot draw', async () => {
    await openRun('x=step');
    const lr = card('lr');
    await page.waitForSelector('.chart-card[data-chart="lr"][data-points]');
    expect(await lr.locator('.chart-log-note').isHidden()).toBe(true);
    await lr.hover();
    await lr.locator('.chart-log').click();
    await expect.poll(() => lr.locator('.chart-log-note').textContent()).toBe('1 ≤ 0 not drawn');
    expect(await lr.locator('.chart-log').getAttribute('aria-pressed')).toBe('true');
    // Ticks at powers of ten.
    expect((await yTicks('lr')).filter((t) => t !== '')).toEqual(expect.arrayContaining(['0.001', '0.01']));
    expect(pageErrors).toEqual([]);
    expect(await card('loss').locator('.chart-log').getAttribute('aria-pressed')).toBe('false');
    expect(await setting('log')).toBe('training:lr');
    // All charts: the toolbar's toggle, which a link keeps.
    await page.locator('.chart-toolbar .log-all').first().check();
    expect(await card('loss').locator('.chart-log').getAttribute('aria-pressed')).toBe('true');
    await page.reload();
    await page.waitForSelector('.chart-card[data-chart="loss"][data-points]');
    expect(await card('loss').locator('.chart-log').getAttribute('aria-pressed')).toBe('true');
    expect(await page.locator('.chart-toolbar .log-all').first().isChecked()).toBe(true);
    await page.locator('.chart-toolbar .log-all').first().uncheck();
    expect(await card('lr').locator('.chart-log').getAttribute('aria-pressed')).toBe('false');
  });

  it('hides a line from its legend, shows one alone, and a link keeps it', async () => {
    await openRun('x=step');
    const loss = card('loss');
    const points = Number(await loss.getAttribute('data-points'));
    const entries = loss.locator('.legend-toggle');
    expect(await entries.count()).toBe(2);
    await entries.nth(1).click();
    await expect.poll(async () => Number(await loss.getAttribute('data-points'))).toBe(points / 2);
    expect(await entries.nth(1).getAttribute('aria-pressed')).toBe('false');
    expect(await setting('hide')).toBe('training:loss~loss (validation)');
    await page.reload();
    await page.waitForSelector('.chart-card[data-chart="loss"][data-points]');
    expect(await card('loss').locator('.legend-toggle').nth(1).getAttribute('aria-pressed')).toBe('false');
    // Alt-click shows a line alone; again, all of them.
    await card('loss')
      .locator('.legend-toggle')
      .nth(1)
      .click({ modifiers: ['Alt'] });
    await expect.poll(() => card('loss').locator('.legend-toggle').nth(0).getAttribute('aria-pressed')).toBe('false');
    expect(await card('loss').locator('.legend-toggle').nth(1).getAttribute('aria-pressed')).toBe('true');
    await card('loss')
      .locator('.legend-toggle')
      .nth(1)
      .click({ modifiers: ['Alt'] });
    await expect.poll(() => card('loss').locator('.legend-toggle.off').count()).toBe(0);
  });

  it('draws another metric on a chart by choice, full screen, with Esc to leave', async () => {
    await openRun('x=step');
    const acc = card('attn/entropy');
    await acc.hover();
    await acc.locator('.chart-add').selectOption({ label: 'attn/sparsity' });
    await expect.poll(() => card('attn/entropy').locator('.legend-item').count()).toBe(2);
    expect(await card('attn/entropy').locator('.chart-merged-chip').textContent()).toContain('attn/sparsity');
    expect(await card('attn/entropy').locator('.legend-label').allTextContents()).toEqual(['attn/entropy', 'attn/sparsity']);
    // The other chart stays where it was.
    expect(await card('attn/sparsity').count()).toBe(1);
    await card('attn/entropy').locator('.chart-full-button').click();
    await expect.poll(() => card('attn/entropy').getAttribute('class')).toContain('chart-full');
    const box = await card('attn/entropy').locator('.chart-body').boundingBox();
    expect(box?.height ?? 0).toBeGreaterThan(400);
    await page.screenshot({ path: path.join(artifacts, 'charts-full.png') });
    expect(await setting('full')).toBe('training:attn/entropy');
    await page.keyboard.press('Escape');
    await expect.poll(() => card('attn/entropy').getAttribute('class')).not.toContain('chart-full');
    await card('attn/entropy').locator('.chart-merged-chip').click();
    await expect.poll(() => card('attn/entropy').locator('.legend-item').count()).toBe(1);
  });

  it('ticks memory at round binary units', async () => {
    await page.goto(`${url}/#/runs/${runId}/system`);
    await page.waitForSelector('.tab-panel:not([hidden]) .chart-card[data-points]');
    const title = await page.locator('.tab-panel:not([hidden]) .chart-card').first().getAttribute('data-chart');
    const ticks = await yTicks(title as string);
    expect(ticks.length).toBeGreaterThan(2);
    for (const tick of ticks.filter((t) => t !== '0')) expect(tick).toMatch(/^(\d+|\d+\.(25|5|75|125|375|625|875)) (MiB|GiB)$/);
  });

  it('shows a run’s value on hover only where it has points', async () => {
    await page.goto(`${url}/#/compare?runs=${runId},${shortRunId}&x=step`);
    await page.waitForSelector('.chart-card[data-chart="loss"][data-points]');
    const over = card('loss').locator('.u-over');
    // The compare page shows its params and final metrics above the charts: bring the chart into view to hover it.
    await over.scrollIntoViewIfNeeded();
    const box = await over.boundingBox();
    if (!box) throw new Error('no plot area');
    // Near the right end: step ~45, where the short run (steps 0–20) has nothing.
    await page.mouse.move(box.x + box.width * 0.92, box.y + box.height / 2);
    const values = card('loss').locator('.legend-value');
    await expect.poll(() => values.allTextContents()).toSatisfy((v: string[]) => v.filter((t) => t === '—').length >= 1 && v.some((t) => t !== '—'));
    await page.mouse.move(box.x + box.width * 0.1, box.y + box.height / 2);
    await expect.poll(() => values.allTextContents()).toSatisfy((v: string[]) => v.every((t) => t !== '—'));
  });

  it('looks right in light and dark at 1024 and 1440 px', async () => {
    for (const width of [1024, 1440]) {
      for (const scheme of ['light', 'dark'] as const) {
        await page.setViewportSize({ width, height: 900 });
        await page.emulateMedia({ colorScheme: scheme });
        await openRun('x=step&open=grad_norm&log=training:lr');
        await page.screenshot({ path: path.join(artifacts, `charts-${width}-${scheme}.png`), fullPage: false });
      }
    }
    await page.setViewportSize({ width: 1280, height: 900 });
    expect(pageErrors).toEqual([]);
  });
});
