import { afterEach, describe, expect, it } from 'vitest';
import type { LiveEvent } from '../../src/server/index.js';
import type { Store } from '../../src/store/store.js';
import { createRun, metricPoints, t0, tempStore, testApp } from './helpers.js';

let store: Store;
afterEach(async () => store?.close());

/** Reads Server-Sent Events from a response body, one parsed event at a time. */
function eventReader(body: ReadableStream<Uint8Array>) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  return {
    async next(timeoutMs = 5000): Promise<{ event: string; data: unknown }> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const end = buffer.indexOf('\n\n');
        if (end !== -1) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event !== undefined && data !== undefined) return { event, data: JSON.parse(data) };
          continue;
        }
        if (Date.now() > deadline) throw new Error(`no event within ${timeoutMs} ms; got so far: ${buffer}`);
        const { value, done } = await reader.read();
        if (done) throw new Error('the stream ended');
        buffer += decoder.decode(value, { stream: true });
      }
    },
    /** Reads events until one matches, returning it. */
    async until(match: (e: { event: string; data: unknown }) => boolean): Promise<{ event: string; data: unknown }> {
      for (;;) {
        const e = await this.next();
        if (match(e)) return e;
      }
    },
    cancel: () => reader.cancel(),
  };
}

describe('live stream', () => {
  it('pushes new runs, their series, the new points themselves and log growth', async () => {
    ({ store } = tempStore());
    const run = await createRun(store);
    await store.appendPoints(
      run.id,
      metricPoints('loss', 2, (i) => i),
    );
    const { app } = testApp({ store, pollIntervalMs: 20 });
    const response = await app.request(`/api/v1/live?runs=${run.id}`);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const events = eventReader(response.body as ReadableStream<Uint8Array>);
    expect((await events.next()).event).toBe('hello');

    await store.appendPoints(
      run.id,
      metricPoints('loss', 3, (i) => (i === 3 ? Number.NaN : i), { from: 2 }),
    );
    await store.appendOutput(run.id, 'stdout', new TextEncoder().encode('step 4\n'), t0 + 5000);
    const runEvent = await events.until((e) => e.event === 'run');
    expect((runEvent.data as Extract<LiveEvent, { type: 'run' }>).run.metrics[0]).toMatchObject({ name: 'loss', last: 4 });
    const series = (await events.until((e) => e.event === 'series')).data as Extract<LiveEvent, { type: 'series' }>;
    expect(series.series.map((s) => [s.name, s.count])).toEqual([['loss', 5]]);
    const points = (await events.until((e) => e.event === 'points')).data as Extract<LiveEvent, { type: 'points' }>;
    expect(points).toMatchObject({ runId: run.id, start: 2, step: [2, 3, 4], value: [2, 'NaN', 4] });
    const log = (await events.until((e) => e.event === 'log')).data as Extract<LiveEvent, { type: 'log' }>;
    expect(log).toMatchObject({ runId: run.id, stdout: 7, stderr: 0 });

    const other = await createRun(store, { name: 'second' });
    const created = (await events.until((e) => e.event === 'run')).data as Extract<LiveEvent, { type: 'run' }>;
    expect(created.run).toMatchObject({ id: other.id, name: 'second', status: 'running' });
    await events.cancel();
  });

  it('sends run status to every listener, but points only to those watching that run', async () => {
    ({ store } = tempStore());
    const watched = await createRun(store, { name: 'watched' });
    const unwatched = await createRun(store, { name: 'unwatched' });
    const { app } = testApp({ store, pollIntervalMs: 20 });
    const events = eventReader((await app.request(`/api/v1/live?runs=${watched.id}`)).body as ReadableStream<Uint8Array>);
    await events.next();
    await store.appendPoints(
      unwatched.id,
      metricPoints('loss', 2, (i) => i),
    );
    await store.updateRun(unwatched.id, { status: 'succeeded', exitCode: 0, endTime: t0 + 10 });
    const finished = await events.until((e) => e.event === 'run' && (e.data as { run: { status: string } }).run.status === 'succeeded');
    expect((finished.data as { run: { id: string } }).run.id).toBe(unwatched.id);
    await store.appendPoints(
      watched.id,
      metricPoints('acc', 1, () => 0.9),
    );
    const next = await events.until((e) => e.event !== 'run');
    expect(next.event).toBe('series');
    expect((next.data as { runId: string }).runId).toBe(watched.id);
    await events.cancel();
  });

  it('stops polling the store once the last listener leaves', async () => {
    ({ store } = tempStore());
    const { app } = testApp({ store, pollIntervalMs: 20 });
    const events = eventReader((await app.request('/api/v1/live')).body as ReadableStream<Uint8Array>);
    await events.next();
    const deadline = Date.now() + 2000;
    expect(app.feed.polling).toBe(true);
    await events.cancel();
    while (app.feed.polling && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(app.feed.polling).toBe(false);
  });
});
