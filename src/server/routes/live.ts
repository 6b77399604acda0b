import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { LiveEvent } from '../api-types.js';
import type { ChangeFeed } from '../live.js';

/** A slow client that falls this many events behind is told to reload instead of being sent them all. */
const MAX_QUEUED_EVENTS = 2000;
const KEEPALIVE_MS = 15_000;

/** The live stream: Server-Sent Events for every run's status, and the series, points and logs of the runs asked for. */
export function liveRoutes(feed: ChangeFeed): Hono {
  const app = new Hono();

  app.get('/live', (c) => {
    const runIds = (c.req.query('runs') ?? '').split(',').filter((id) => id !== '');
    return streamSSE(c, async (stream) => {
      let queue: Array<LiveEvent | { type: 'resync' }> = [];
      let wake: (() => void) | undefined;
      let closed = false;
      const unsubscribe = await feed.subscribe(runIds, (event) => {
        if (queue.length >= MAX_QUEUED_EVENTS) queue = [{ type: 'resync' }];
        else queue.push(event);
        wake?.();
      });
      stream.onAbort(() => {
        closed = true;
        wake?.();
      });
      try {
        await stream.writeSSE({ event: 'hello', data: JSON.stringify({ runs: runIds }), retry: 1000 });
        while (!closed) {
          const batch = queue;
          queue = [];
          for (const event of batch) await stream.writeSSE({ event: event.type, data: JSON.stringify(event) });
          if (queue.length > 0) continue;
          const woke = await new Promise<boolean>((resolve) => {
            const timer = setTimeout(() => resolve(false), KEEPALIVE_MS);
            wake = () => {
              clearTimeout(timer);
              resolve(true);
            };
          });
          wake = undefined;
          if (!woke && !closed) await stream.write(': keepalive\n\n');
        }
      } finally {
        unsubscribe();
      }
    });
  });

  return app;
}
