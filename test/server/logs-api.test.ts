import { afterEach, describe, expect, it } from 'vitest';
import type { LogResponse } from '../../src/server/index.js';
import { wholeUtf8Length } from '../../src/server/routes/logs.js';
import type { Store } from '../../src/store/store.js';
import { createRun, t0, tempStore, testApp } from './helpers.js';

let store: Store;
afterEach(async () => store?.close());

const bytes = (text: string) => new TextEncoder().encode(text);

describe('logs API', () => {
  it('returns a byte range of one stream with the arrival time of each piece', async () => {
    ({ store } = tempStore());
    const run = await createRun(store);
    await store.appendOutput(run.id, 'stdout', bytes('epoch 1\n'), t0 + 100);
    await store.appendOutput(run.id, 'stderr', bytes('warning\n'), t0 + 150);
    await store.appendOutput(run.id, 'stdout', bytes('epoch 2\n'), t0 + 200);
    const { json } = testApp({ store });
    const { body } = await json<LogResponse>(`/api/v1/runs/${run.id}/logs?stream=stdout&offset=0&length=100`);
    expect(body).toMatchObject({ stream: 'stdout', offset: 0, end: 16, size: 16, text: 'epoch 1\nepoch 2\n' });
    expect(body.chunks).toEqual([
      { offset: 0, length: 8, time: t0 + 100 },
      { offset: 8, length: 8, time: t0 + 200 },
    ]);
    const stderr = await json<LogResponse>(`/api/v1/runs/${run.id}/logs?stream=stderr`);
    expect(stderr.body.text).toBe('warning\n');
  });

  it('starts a tail on a whole line', async () => {
    ({ store } = tempStore());
    const run = await createRun(store);
    await store.appendOutput(run.id, 'stdout', bytes('first line\nsecond line\nthird\n'), t0);
    const { json } = testApp({ store });
    const { body } = await json<LogResponse>(`/api/v1/runs/${run.id}/logs?tail=15`);
    expect(body.text).toBe('third\n');
    expect(body.offset).toBe(23);
    expect(body.end).toBe(29);
  });

  it('never splits a UTF-8 character at the end of a range', async () => {
    ({ store } = tempStore());
    const run = await createRun(store);
    await store.appendOutput(run.id, 'stdout', bytes('loss → 0.5 ✓\n'), t0);
    const { json } = testApp({ store });
    // "loss " is 5 bytes and "→" 3 more: a read of 6 bytes stops before the arrow.
    const { body } = await json<LogResponse>(`/api/v1/runs/${run.id}/logs?offset=0&length=6`);
    expect(body.text).toBe('loss ');
    expect(body.end).toBe(5);
    expect(wholeUtf8Length(bytes('ab✓').subarray(0, 4))).toBe(2);
    expect(wholeUtf8Length(bytes('ab✓'))).toBe(5);
    expect(wholeUtf8Length(bytes('abc'))).toBe(3);
  });

  it('keeps what the job printed as it is, HTML included', async () => {
    ({ store } = tempStore());
    const run = await createRun(store);
    const printed = '<script>alert(1)</script><img src=x onerror=alert(2)>\n';
    await store.appendOutput(run.id, 'stdout', bytes(printed), t0);
    const { app } = testApp({ store });
    const response = await app.request(`/api/v1/runs/${run.id}/logs`);
    expect(response.headers.get('content-type')).toContain('application/json');
    expect(((await response.json()) as LogResponse).text).toBe(printed);
  });

  it('rejects an unknown stream', async () => {
    ({ store } = tempStore());
    const run = await createRun(store);
    const { json } = testApp({ store });
    const { status, body } = await json<{ error: { message: string } }>(`/api/v1/runs/${run.id}/logs?stream=stdin`);
    expect(status).toBe(400);
    expect(body.error.message).toContain('stdout, stderr');
  });
});
