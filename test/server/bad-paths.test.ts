import { afterEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/store.js';
import { createRun, tempStore, testApp } from './helpers.js';

let store: Store;
afterEach(async () => store?.close());

describe('bad paths and bad input', () => {
  it('answers a NUL in the path with 400, and an over-long file name with the app, never a 500 naming files', async () => {
    let dir: string;
    ({ store, dir } = tempStore());
    const { app } = testApp({ store, webRoot: dir });
    for (const url of ['/%00', '/assets/%00.js', '/a%00b/c']) {
      const response = await app.request(url);
      expect(response.status, url).toBe(400);
      expect(await response.text(), url).not.toContain(dir);
    }
    const long = await app.request(`/${'a'.repeat(5000)}`);
    expect(long.status).toBe(200);
    expect(await long.text()).not.toContain(dir);
    expect((await app.request(`/assets/${'a'.repeat(5000)}.js`)).status).toBe(404);
  });

  it('answers an unknown run of 15 KB with a 404 whose message is short, its suggestions bounded', async () => {
    ({ store } = tempStore());
    await createRun(store, { name: 'resnet50' });
    const { json } = testApp({ store });
    const { status, body } = await json<{ error: { code: string; message: string } }>(`/api/v1/runs/${'z'.repeat(15_000)}`);
    expect(status).toBe(404);
    expect(body.error.code).toBe('E_RUN_NOT_FOUND');
    expect(body.error.message.length).toBeLessThan(300);
    const near = await json<{ error: { message: string } }>('/api/v1/runs/resnet5O');
    expect(near.body.error.message).toContain('closest names: resnet50');
  });

  it('keeps the details of an unexpected error out of the answer', async () => {
    ({ store } = tempStore());
    const { app } = testApp({ store });
    await store.close();
    const written: string[] = [];
    const write = process.stderr.write;
    process.stderr.write = ((text: string) => {
      written.push(text);
      return true;
    }) as typeof process.stderr.write;
    try {
      const response = await app.request('/api/v1/runs');
      expect(response.status).toBe(500);
      const body = (await response.json()) as { error: { code: string; message: string } };
      expect(body.error).toEqual({ code: 'E_INTERNAL', message: 'internal error; the terminal running the server has the details' });
    } finally {
      process.stderr.write = write;
    }
    expect(written.join('')).toMatch(/^runmeter: internal error answering GET \/api\/v1\/runs: /);
  });
});
