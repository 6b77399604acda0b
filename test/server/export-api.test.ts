import { afterEach, describe, expect, it } from 'vitest';
import type { Exporter } from '../../src/server/index.js';
import type { Store } from '../../src/store/store.js';
import { createRun, metricPoints, tempStore, testApp } from './helpers.js';

let store: Store;
afterEach(async () => store?.close());

/** An exporter that writes one line per series, enough to see the route stream what it writes. */
const seriesLines: Exporter = {
  contentType: 'text/plain; charset=utf-8',
  extension: 'txt',
  async write(from, runId, out) {
    for (const s of await from.listSeries(runId)) out.write(`${s.name} ${s.count}\n`);
  },
};

describe('export API', () => {
  it('downloads a run in a format an exporter was given for', async () => {
    ({ store } = tempStore());
    const run = await createRun(store, { name: 'my run/<1>' });
    await store.appendPoints(
      run.id,
      metricPoints('loss', 3, () => 1),
    );
    const { app } = testApp({ store, exporters: { txt: seriesLines } });
    const response = await app.request(`/api/v1/runs/${run.id}/export?format=txt`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="my-run-1-${run.id}.txt"`);
    expect(await response.text()).toBe('loss 3\n');
  });

  it('answers a format without an exporter with a 404 that lists the formats there are', async () => {
    ({ store } = tempStore());
    const run = await createRun(store);
    const withOne = testApp({ store, exporters: { txt: seriesLines } });
    const missing = await withOne.json<{ error: { code: string; message: string } }>(`/api/v1/runs/${run.id}/export?format=csv`);
    expect(missing.status).toBe(404);
    expect(missing.body.error).toEqual({ code: 'E_EXPORT_FORMAT', message: 'no exporter for format "csv": this server exports txt' });
    const none = await testApp({ store }).json<{ error: { message: string } }>(`/api/v1/runs/${run.id}/export?format=csv`);
    expect(none.body.error.message).toContain('started without exporters');
  });
});
