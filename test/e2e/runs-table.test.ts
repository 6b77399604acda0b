import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open.js';
import { type startCli, tempHome } from '../helpers/cli.js';
import { createRun, metricPoints } from '../server/helpers.js';
import { artifacts, checkBrowserTests, chromiumMissing, launchBrowser, onCi, startUi } from './browser.js';

let browser: Browser;
let page: Page;
let home: string;
let ui: ReturnType<typeof startCli>;
let url: string;

/** The learning-rate sweep from the issue: four runs of one script, one failed, all tagged `sweep`, and a typo. */
async function seed(): Promise<void> {
  const store = openStore(undefined, { RUNMETER_HOME: home });
  const rates = [0.1, 0.01, 0.001, 0.0001];
  for (const [i, lr] of rates.entries()) {
    const run = await createRun(store, {
      name: 'train_mlp.py',
      command: ['python', 'train_mlp.py', '--lr', String(lr)],
      params: { lr, bs: 64 },
      tags: ['sweep'],
    });
    await store.appendPoints(
      run.id,
      metricPoints('loss', 20, (s) => 1 / (1 + s * lr * 10) + i * 0.01),
    );
    await store.updateRun(run.id, i === 0 ? { status: 'failed', exitCode: 1, endTime: Date.now() } : { status: 'succeeded', exitCode: 0, endTime: Date.now() });
  }
  const typo = await createRun(store, { name: 'pythn', command: ['pythn', 'train.py'] });
  await store.updateRun(typo.id, { status: 'failed', exitCode: 127, endTime: Date.now() });
  await store.close();
}

async function rowCount(): Promise<number> {
  return page.locator('.run-row').count();
}

describe.skipIf(chromiumMissing && !onCi)('runs table in a real browser', () => {
  beforeAll(async () => {
    checkBrowserTests();
    home = tempHome();
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

  it('shows the sweep params as a column and sorts by it, with the sort in the URL', async () => {
    await page.goto(`${url}/`);
    await expect.poll(rowCount, { timeout: 10_000 }).toBe(5);
    await page.click('.header-cell[data-column="lr"]');
    await expect.poll(() => page.evaluate(() => (globalThis as unknown as { location: { hash: string } }).location.hash)).toContain('sort=lr');
    const ascending = (await page.locator('.run-row').evaluateAll((rows) => rows.map((r) => (r as unknown as { textContent: string }).textContent)))
      .map((text) => /0\.0*1/.exec(text)?.[0])
      .filter((lr) => lr !== undefined);
    expect(ascending).toEqual(['0.0001', '0.001', '0.01', '0.1']);
    await page.screenshot({ path: path.join(artifacts, 'runs-table-sorted.png') });
    // Back undoes the sort; Forward brings it back.
    await page.goBack();
    await expect.poll(() => page.getAttribute('.header-cell[data-column="lr"]', 'aria-sort')).toBe('none');
    await page.goForward();
    await expect.poll(() => page.getAttribute('.header-cell[data-column="lr"]', 'aria-sort')).toBe('ascending');
  });

  it('filters by an expression, shows an error at its position, and a link reproduces the filter', async () => {
    await page.goto(`${url}/`);
    await expect.poll(rowCount, { timeout: 10_000 }).toBe(5);
    const input = page.locator('.filter-box input');
    await input.fill('lr > 0.005 and status = succeeded');
    await expect.poll(rowCount).toBe(1);
    await input.fill('lr >> 1');
    await expect.poll(() => page.locator('.filter-error').isVisible()).toBe(true);
    expect(await page.locator('.filter-error mark').textContent()).not.toBe('');
    // Free text finds the command as shown and the tags.
    await input.fill('train_mlp.py --lr 0.1');
    await expect.poll(rowCount).toBe(1);
    await input.fill('tag:sweep');
    await expect.poll(rowCount).toBe(4);
    // A link with the filter reproduces the view.
    const link = page.url();
    const other = await browser.newPage();
    await other.goto(link);
    await expect.poll(() => other.locator('.run-row').count(), { timeout: 10_000 }).toBe(4);
    expect(await other.locator('.filter-box input').inputValue()).toBe('tag:sweep');
    await other.close();
  });

  it('tags and deletes selected runs, with a confirmation', async () => {
    await page.goto(`${url}/#/?q=pythn`);
    await expect.poll(rowCount, { timeout: 10_000 }).toBe(1);
    await page.locator('.run-row .cell-select input[type="checkbox"]').check();
    await page.click('.selection-actions button:has-text("Tag")');
    await page.fill('.dialog-input', 'typo');
    await page.click('.dialog .button-primary');
    await expect.poll(() => page.locator('.run-row').first().textContent()).toContain('typo');
    await page.click('.selection-actions button:has-text("Delete")');
    await page.screenshot({ path: path.join(artifacts, 'runs-table-delete.png') });
    await page.click('.dialog .button-danger');
    await expect.poll(rowCount).toBe(0);
    const response = await fetch(`${url}/api/v1/runs`);
    const body = (await response.json()) as { runs: Array<{ name: string }> };
    expect(body.runs.map((r) => r.name)).not.toContain('pythn');
  });

  it('renames, tags, notes and deletes a run from its page; a note is Markdown shown as text; a running run is kept', async () => {
    const store = openStore(undefined, { RUNMETER_HOME: home });
    const target = await createRun(store, { name: 'organise-me', command: ['python', 'train.py'], tags: ['old'] });
    await store.updateRun(target.id, { status: 'succeeded', exitCode: 0, endTime: Date.now() });
    const running = await createRun(store, { name: 'still-going', command: ['python', 'train.py'] });
    await store.close();
    await page.goto(`${url}/#/runs/${target.id}/overview`);
    await page.waitForSelector('.run-title');
    await page.click('.run-actions [data-action="rename"]');
    await page.fill('.dialog-input', 'resnet baseline');
    await page.click('.dialog .button-primary');
    await expect.poll(() => page.locator('.run-title').textContent()).toBe('resnet baseline');
    await page.click('.run-actions [data-action="tag"]');
    await page.fill('.dialog-input', 'best -old');
    await page.click('.dialog .button-primary');
    await expect.poll(() => page.locator('.run-header .run-tags .tag').allTextContents()).toEqual(['best']);
    // The Params & info tab shows the same tags.
    expect(await page.locator('.tab-panel:not([hidden]) .tag').allTextContents()).toEqual(['best']);
    await page.click('.run-actions [data-action="note"]');
    await page.fill('.dialog-textarea', 'Baseline with **warmup**.\n\n<img src=x onerror="window.__pwned=1"> stays text');
    await page.click('.dialog .button-primary');
    await page.waitForSelector('.run-header .run-note strong');
    expect(await page.locator('.run-header .run-note strong').textContent()).toBe('warmup');
    expect(await page.locator('.run-header .run-note').textContent()).toContain('<img src=x onerror="window.__pwned=1"> stays text');
    expect(await page.locator('.run-header .run-note img').count()).toBe(0);
    await page.screenshot({ path: path.join(artifacts, 'run-organise.png') });
    // What the page changed is what the API has.
    const stored = (await (await fetch(`${url}/api/v1/runs/${target.id}`)).json()) as { run: { name: string; tags: string[]; note?: string } };
    expect(stored.run).toMatchObject({ name: 'resnet baseline', tags: ['best'] });
    expect(stored.run.note).toContain('**warmup**');
    // The tag's own x removes it.
    await page.click('.run-header .run-tags .tag-remove');
    await expect.poll(() => page.locator('.run-header .run-tags .tag').count()).toBe(0);
    // A running run is not deleted.
    await page.goto(`${url}/#/runs/${running.id}/overview`);
    await page.waitForSelector('.run-title:has-text("still-going")');
    await page.click('.run-actions [data-action="delete"]');
    expect(await page.locator('.dialog').textContent()).toContain('still running');
    await page.click('.dialog .button-primary');
    expect((await fetch(`${url}/api/v1/runs/${running.id}`)).status).toBe(200);
    // A finished one is, after the confirmation, and the page goes back to the runs.
    await page.goto(`${url}/#/runs/${target.id}/overview`);
    await page.waitForSelector('.run-title:has-text("resnet baseline")');
    await page.click('.run-actions [data-action="delete"]');
    await page.click('.dialog .button-danger');
    await page.waitForFunction(() => (globalThis as unknown as { location: { hash: string } }).location.hash === '#/');
    expect((await fetch(`${url}/api/v1/runs/${target.id}`)).status).toBe(404);
  });

  it('refuses a write from another origin, even with the token', async () => {
    const session = (await (await fetch(`${url}/api/v1/session`)).json()) as { token?: string };
    expect(session.token).toBeDefined();
    const runs = (await (await fetch(`${url}/api/v1/runs`)).json()) as { runs: Array<{ id: string }> };
    const id = runs.runs[0]?.id as string;
    const refused = await fetch(`${url}/api/v1/runs/${id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', 'x-runmeter-token': session.token as string, origin: 'https://evil.example' },
      body: JSON.stringify({ name: 'pwned' }),
    });
    expect(refused.status).toBe(403);
    const noToken = await fetch(`${url}/api/v1/runs/${id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'pwned' }),
    });
    expect(noToken.status).toBe(401);
    const allowed = await fetch(`${url}/api/v1/runs/${id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', 'x-runmeter-token': session.token as string, origin: url },
      body: JSON.stringify({ name: 'renamed' }),
    });
    expect(allowed.status).toBe(200);
  });
  it('opens a run and ticks its box when the button is held across a redraw of the rows', async () => {
    await page.goto(`${url}/`);
    await page.reload();
    await expect.poll(rowCount, { timeout: 10_000 }).toBeGreaterThan(0);
    const hash = () => page.evaluate(() => (globalThis as unknown as { location: { hash: string } }).location.hash);
    // The table draws its rows again every second (live durations): a press of 1.5 s spans at least one redraw.
    const hold = async (selector: string) => {
      // Measured again until it is had: a row replaced by a redraw while it is measured gives none.
      const until = Date.now() + 10_000;
      let box = await page.locator(selector).boundingBox();
      while (!box && Date.now() < until) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        box = await page.locator(selector).boundingBox();
      }
      if (!box) throw new Error(`${selector} is not shown`);
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await page.mouse.down();
      await new Promise((resolve) => setTimeout(resolve, 1500));
      await page.mouse.up();
    };
    await hold('.run-row:first-child .cell-select input');
    await expect.poll(() => page.locator('.run-row:first-child .cell-select input').isChecked()).toBe(true);
    await hold('.run-row:first-child .cell-command');
    await expect.poll(hash).toMatch(/^#\/runs\/[^/?]+/);
  });
});
