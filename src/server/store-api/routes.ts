import { type Context, Hono } from 'hono';
import { type RunStatus, runStatuses } from '../../model/run.js';
import { encodePoints, STORE_PAGE, toWireJson } from '../../store/http/wire.js';
import type { OutputStream, Store, XAxis } from '../../store/store.js';
import { ApiError, choiceParam, numberParam } from '../errors.js';

const streams: readonly OutputStream[] = ['stdout', 'stderr'];
const axes: readonly XAxis[] = ['time', 'step', 'epoch'];

/** A wire-JSON response (NaN and ±Infinity kept; see store/http/wire.ts). */
function wire(value: unknown): Response {
  return new Response(toWireJson(value), { headers: { 'content-type': 'application/json; charset=utf-8' } });
}

function streamParam(raw: string): OutputStream {
  if (!(streams as readonly string[]).includes(raw)) throw new ApiError(400, 'E_USAGE', `output stream must be stdout or stderr, got "${raw}"`);
  return raw as OutputStream;
}

/** `?member=`: a joined run's member key, checked before it reaches a file path or a query. */
function memberParam(c: Context): string | undefined {
  const raw = c.req.query('member');
  if (raw === undefined || raw === '') return undefined;
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,80}$/.test(raw))
    throw new ApiError(400, 'E_USAGE', `member must be a member key (letters, digits, ".", "_", "-"), got "${raw}"`);
  return raw;
}

/**
 * The store read API of `runmeter server` (/api/v1/store/...): what a Store's read methods return, exactly, for
 * `runmeter ls/show/logs/export --server` (store/http/remote-store.ts). Every answer is bounded by a page size.
 */
export function storeApiRoutes(store: Store): Hono {
  const app = new Hono();

  app.get('/store/runs', async (c) => {
    const status = c.req.query('status');
    const statuses = status ? status.split(',') : undefined;
    for (const s of statuses ?? []) {
      if (!(runStatuses as readonly string[]).includes(s)) throw new ApiError(400, 'E_USAGE', `status must be one of ${runStatuses.join(', ')}, got "${s}"`);
    }
    const text = c.req.query('text');
    const startedBefore = numberParam(c, 'startedBefore');
    const runs = await store.listRuns({
      limit: numberParam(c, 'limit', { min: 1, max: STORE_PAGE.runs, integer: true }) ?? STORE_PAGE.runs,
      offset: numberParam(c, 'offset', { min: 0, integer: true }) ?? 0,
      ...(statuses ? { status: statuses as RunStatus[] } : {}),
      ...(text ? { text } : {}),
      ...(startedBefore === undefined ? {} : { startedBefore }),
    });
    return wire({ runs });
  });

  app.get('/store/runs/:id', async (c) => wire({ run: (await store.getRun(c.req.param('id'))) ?? null }));
  app.get('/store/resolve/:ref', async (c) => wire({ run: await store.resolveRun(c.req.param('ref')) }));
  app.get('/store/runs/:id/series', async (c) => wire({ series: await store.listSeries(c.req.param('id')) }));
  app.get('/store/runs/:id/artifacts', async (c) => wire({ artifacts: await store.listArtifacts(c.req.param('id')) }));

  app.get('/store/runs/:id/output-chunks', async (c) => {
    const limit = numberParam(c, 'limit', { min: 1, max: STORE_PAGE.chunks, integer: true }) ?? STORE_PAGE.chunks;
    const offset = numberParam(c, 'offset', { min: 0, integer: true }) ?? 0;
    return wire({ chunks: await store.outputChunks(c.req.param('id'), { offset, limit }) });
  });

  // ?member=KEY: a joined run's member's stream (without: the run's own, or for the size, all of them together).
  app.get('/store/runs/:id/output/:stream/size', async (c) =>
    wire({ size: await store.outputSize(c.req.param('id'), streamParam(c.req.param('stream')), memberParam(c)) }),
  );

  app.get('/store/runs/:id/output/:stream', async (c) => {
    const offset = numberParam(c, 'offset', { min: 0, integer: true }) ?? 0;
    const length = numberParam(c, 'length', { min: 0, max: STORE_PAGE.bytes, integer: true }) ?? STORE_PAGE.bytes;
    const bytes = await store.readOutput(c.req.param('id'), streamParam(c.req.param('stream')), offset, length, memberParam(c));
    return new Response(bytes, { headers: { 'content-type': 'application/octet-stream' } });
  });

  app.get('/store/series/:id/data', async (c) => {
    const from = numberParam(c, 'from');
    const to = numberParam(c, 'to');
    const data = await store.querySeries(Number(c.req.param('id')), {
      x: choiceParam(c, 'x', axes) ?? 'time',
      buckets: numberParam(c, 'buckets', { min: 1, max: 10_000, integer: true }) ?? 1000,
      ...(from === undefined ? {} : { from }),
      ...(to === undefined ? {} : { to }),
    });
    return wire(data);
  });

  app.get('/store/series/:id/points', async (c) => {
    const seriesId = Number(c.req.param('id'));
    if (!Number.isInteger(seriesId)) throw new ApiError(400, 'E_USAGE', `series id must be an integer, got "${c.req.param('id')}"`);
    const from = numberParam(c, 'from', { min: 0, integer: true }) ?? 0;
    const limit = numberParam(c, 'limit', { min: 1, max: STORE_PAGE.points, integer: true }) ?? STORE_PAGE.points;
    const columns = { time: new Float64Array(limit), step: new Float64Array(limit), epoch: new Float64Array(limit), value: new Float64Array(limit) };
    let n = 0;
    for await (const batch of store.readPoints(seriesId, from)) {
      const take = Math.min(batch.value.length, limit - n);
      for (const name of ['time', 'step', 'epoch', 'value'] as const) columns[name].set(batch[name].subarray(0, take), n);
      n += take;
      if (n >= limit) break;
    }
    const page = {
      time: columns.time.subarray(0, n),
      step: columns.step.subarray(0, n),
      epoch: columns.epoch.subarray(0, n),
      value: columns.value.subarray(0, n),
    };
    return new Response(encodePoints(page), { headers: { 'content-type': 'application/octet-stream' } });
  });

  app.get('/store/changes', async (c) => wire(await store.changes(numberParam(c, 'since', { min: 0 }) ?? 0)));

  return app;
}
