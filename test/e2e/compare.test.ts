import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open.js';
import { type startCli, tempHome } from '../helpers/cli.js';
import { createRun, metricPoints, t0 } from '../server/helpers.js';
import { artifacts, checkBrowserTests, chromiumMissing, launchBrowser, onCi, startUi } from './browser.js';

let browser: Browser;
let page: Page;
let home: string;
let ui: ReturnType<typeof startCli>;
let url: string;
let ids: string[] = [];

/** A param value that would run script if the page parsed it as HTML. */
const hostile = '<img src=x onerror="globalThis.__pwned=1">';

/** A sweep of four runs over lr and bs (the optimizer the same in all), with loss and val_loss per step. */
async function seed(): Promise<void> {
  const store = openStore(undefined, { RUNMETER_HOME: home });
  const rates = [0.1, 0.01, 0.001, 0.0001];
  for (const [i, lr] of rates.entries()) {
    const run = await createRun(store, {
      name: 'train_mlp.py',
      command: ['python', 'train_mlp.py', '--lr', String(lr)],
      params: { lr, bs: i % 2 === 0 ? 64 : 128, optimizer: 'sgd', comment: hostile },
      tags: i === 3 ? ['sweep', 'baseline'] : ['sweep'],
      startTime: t0 + i * 60_000,
    });
    // The third run stops at step 14: a group's mean after that comes from its other run only.
    const steps = i === 2 ? 15 : 30;
    // val_acc is logged per epoch without a step, as Keras does: grouped, it is aligned on epoch.
    const epochs = Array.from({ length: 5 }, (_, e) => ({
      series: { name: 'val_acc', kind: 'training' as const },
      time: t0 + e * 1000,
      epoch: e + 1,
      value: 0.5 + e * lr,
    }));
    await store.appendPoints(run.id, [
      ...metricPoints('loss', steps, (s) => 1 / (1 + s * lr * 10) + i * 0.02),
      ...metricPoints('val_loss', steps, (s) => 1.2 / (1 + s * lr * 8) + i * 0.03),
      ...epochs,
    ]);
    await store.updateRun(run.id, { status: 'succeeded', exitCode: 0, endTime: t0 + i * 60_000 + 30_000 });
    ids.push(run.id);
  }
  await store.close();
}

const texts = (selector: string) => page.locator(selector).allTextContents();
const hash = () => page.evaluate(() => (globalThis as unknown as { location: { hash: string } }).location.hash);
const compareUrl = (refs: string[], settings = '') => `${url}/#/compare?runs=${refs.join(',')}${settings}`;

describe.skipIf(chromiumMissing && !onCi)('the compare page in a real browser', () => {
  beforeAll(async () => {
    checkBrowserTests();
    home = tempHome();
    ids = [];
    await seed();
    ({ url, ui } = await startUi(home));
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  });

  afterAll(async () => {
    await browser?.close();
    ui?.child.kill('SIGINT');
    await ui?.done;
  });

  it('shows only the params that differ, all of them on toggle, and names lines by what differs', async () => {
    await page.goto(compareUrl(ids));
    await expect.poll(() => texts('.params-diff tbody th'), { timeout: 10_000 }).toEqual(['bs', 'lr']);
    expect(await texts('.compare-run-name')).toEqual(['bs=64, lr=0.1', 'bs=128, lr=0.01', 'bs=64, lr=0.001', 'bs=128, lr=0.0001']);
    // The chart legends name each run's line by its label, not by the run's name (all four are train_mlp.py).
    await expect
      .poll(() => texts('.chart-card[data-chart="loss"] .legend-label'))
      .toEqual(['bs=64, lr=0.1', 'bs=128, lr=0.01', 'bs=64, lr=0.001', 'bs=128, lr=0.0001']);
    await page.click('.params-toggle');
    await expect.poll(() => texts('.params-diff tbody th')).toEqual(['bs', 'lr', 'comment', 'optimizer']);
    expect(await hash()).toContain('all=1');
    expect(await texts('.params-diff tr[data-param="optimizer"] td')).toEqual(['sgd', 'sgd', 'sgd', 'sgd']);
    // What a job recorded is text: the param shows as written, and no element came of it.
    expect(await texts('.params-diff tr[data-param="comment"] td')).toEqual([hostile, hostile, hostile, hostile]);
    expect(await page.locator('.compare-page img').count()).toBe(0);
    expect(await page.evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    // The final metrics: one best run per metric, the lowest loss (lr=0.1 learns fastest).
    const lossCells = page.locator('.final-metrics tr[data-metric="loss"] td');
    expect(await lossCells.count()).toBe(4);
    expect(await page.locator('.final-metrics tr[data-metric="loss"] td.best').count()).toBe(1);
    expect(await lossCells.nth(0).getAttribute('class')).toBe('best');
  });

  it('groups runs by a param: one mean line and band per group, and says what the band spans', async () => {
    await page.goto(compareUrl(ids));
    await page.locator('.charts-section select.group-by').waitFor();
    await page.selectOption('.charts-section select.group-by', 'param:bs');
    await expect.poll(() => page.getAttribute('.group-chart[data-chart="loss"]', 'data-groups'), { timeout: 10_000 }).toBe('2');
    expect(await texts('.group-chart[data-chart="loss"] .legend-label')).toEqual(['bs=64', 'bs=128']);
    expect(await page.locator('.group-chart[data-chart="loss"] canvas').count()).toBe(1);
    expect(await page.locator('.group-note').textContent()).toContain('min to max');
    expect(await page.locator('.chart-grid:not(.group-grid)').isHidden()).toBe(true);
    // The legend, without hover, shows each group's last step: bs=64's two runs, one of which stopped early.
    expect(await page.locator('.group-chart[data-chart="loss"] .legend-value').first().textContent()).toMatch(/of 2 runs/);
    expect(await hash()).toContain('group=param%3Abs');
    // A metric logged per epoch only is grouped on epoch rather than left empty.
    await expect.poll(() => page.getAttribute('.group-chart[data-chart="val_acc"]', 'data-groups')).toBe('2');
    await page.selectOption('.charts-section select.group-by', 'tag:baseline');
    await expect.poll(() => texts('.group-chart[data-chart="val_loss"] .legend-label')).toEqual(['tag baseline', 'not tag baseline']);
  });

  it('draws a scatter of a param against a metric, one point per run', async () => {
    await page.goto(compareUrl(ids));
    await expect.poll(() => page.locator('.scatter-point').count(), { timeout: 10_000 }).toBe(4);
    // The param with the most values is the default: lr (four), not bs (two).
    expect(await page.locator('.scatter-section select.scatter-param').inputValue()).toBe('lr');
    // lr spans three decades: a log axis.
    expect(await page.locator('.scatter-axis-name').first().textContent()).toBe('lr (log scale)');
    await page.selectOption('.scatter-section select.scatter-metric', 'val_loss');
    await page.click('.scatter-section .segment[data-value="best"]');
    await expect.poll(() => page.locator('.scatter-axis-name').nth(1).textContent()).toBe('val_loss (best)');
    expect(await page.locator('.scatter-point').count()).toBe(4);
    expect(await hash()).toMatch(/sy=val_loss.*sv=best|sv=best.*sy=val_loss/);
  });

  it('shows a missing id as missing while the other runs compare', async () => {
    await page.goto(compareUrl([ids[0] as string, 'nope', ids[1] as string]));
    await expect.poll(() => page.locator('.compare-run.missing[data-missing="nope"]').isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await page.locator('.compare-run.missing').textContent()).toContain('not found');
    await expect.poll(() => texts('.chart-card[data-chart="loss"] .legend-label')).toEqual(['bs=64, lr=0.1', 'bs=128, lr=0.01']);
    expect(await page.locator('.params-diff thead .run-col').count()).toBe(2);
    await expect.poll(() => page.locator('.chart-card[data-chart="loss"] canvas').count()).toBe(1);
    await page.screenshot({ path: path.join(artifacts, 'compare-missing.png'), fullPage: true });
  });

  it('keeps its settings in the URL: a reload gives the same view, Back undoes a change', async () => {
    await page.goto(compareUrl(ids, '&all=1&group=param%3Abs&sx=bs&sy=val_loss'));
    await expect.poll(() => texts('.params-diff tbody th'), { timeout: 10_000 }).toEqual(['bs', 'lr', 'comment', 'optimizer']);
    expect(await page.locator('.charts-section select.group-by').inputValue()).toBe('param:bs');
    await page.reload();
    await expect.poll(() => page.getAttribute('.group-chart[data-chart="loss"]', 'data-groups'), { timeout: 10_000 }).toBe('2');
    expect(await texts('.params-diff tbody th')).toEqual(['bs', 'lr', 'comment', 'optimizer']);
    expect(await page.locator('.scatter-section select.scatter-param').inputValue()).toBe('bs');
    expect(await page.locator('.scatter-section select.scatter-metric').inputValue()).toBe('val_loss');
    // A change is a history entry: Back undoes it, Forward brings it back, without reloading the page.
    await page.selectOption('.charts-section select.group-by', '');
    await expect.poll(() => page.locator('.group-grid').isHidden()).toBe(true);
    await page.goBack();
    await expect.poll(() => page.locator('.charts-section select.group-by').inputValue()).toBe('param:bs');
    expect(await page.locator('.group-grid').isVisible()).toBe(true);
    await page.click('.params-toggle');
    await expect.poll(() => texts('.params-diff tbody th')).toEqual(['bs', 'lr']);
    await page.goBack();
    await expect.poll(() => texts('.params-diff tbody th')).toEqual(['bs', 'lr', 'comment', 'optimizer']);
    await page.goForward();
    await expect.poll(() => texts('.params-diff tbody th')).toEqual(['bs', 'lr']);
    // The charts' own settings share the URL: Back undoes an x axis change too.
    await page.goto(compareUrl(ids, '&x=step'));
    await page.locator('.chart-toolbar .segment[data-value="time"]').waitFor();
    await page.click('.chart-toolbar .segment[data-value="time"]');
    await expect.poll(hash).toContain('x=time');
    await page.goBack();
    await expect.poll(() => page.getAttribute('.chart-toolbar .segment[data-value="step"]', 'aria-checked')).toBe('true');
  });

  it('leaves screenshots in light and dark at 1024 and 1440 px', async () => {
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      for (const width of [1024, 1440]) {
        await page.setViewportSize({ width, height: 900 });
        for (const [name, settings] of [
          ['lines', '&x=step'],
          ['grouped', '&group=param%3Abs&all=1'],
        ] as const) {
          await page.goto(compareUrl(ids, settings));
          await expect.poll(() => page.locator('.scatter-point').count(), { timeout: 10_000 }).toBe(4);
          await expect.poll(() => page.locator('.chart-card:visible canvas').count()).toBeGreaterThan(1);
          await page.screenshot({ path: path.join(artifacts, `compare-${name}-${scheme}-${width}.png`), fullPage: true });
        }
      }
    }
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('follows the runs live: a new best loss moves the highlight', async () => {
    await page.goto(compareUrl(ids));
    const best = () => page.locator('.final-metrics tr[data-metric="loss"] td.best').evaluate((cell) => (cell as unknown as { cellIndex: number }).cellIndex);
    await expect.poll(best, { timeout: 10_000 }).toBe(1);
    const store = openStore(undefined, { RUNMETER_HOME: home });
    await store.appendPoints(
      ids[3] as string,
      metricPoints('loss', 1, () => 0.001, { from: 30 }),
    );
    await store.close();
    await expect.poll(best, { timeout: 15_000 }).toBe(4);
    expect(await page.locator('.final-metrics tr[data-metric="loss"] td').nth(3).textContent()).toBe('0.001');
  });
});
