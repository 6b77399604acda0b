import { Hono } from 'hono';
import type { SeriesSummary, Store, XAxis } from '../../store/store.js';
import { ApiError, choiceParam, numberParam } from '../errors.js';
import { pointsView, seriesDataView } from '../views.js';

/** The most buckets one query may ask for: about twice the pixel width of a wide screen. */
export const MAX_BUCKETS = 10_000;
/** The most points one `points` read returns. */
export const MAX_POINTS = 50_000;

const axes: readonly XAxis[] = ['time', 'step', 'epoch'];

/** A series of the run, or a 404 naming both. */
async function findSeries(store: Store, runRef: string, seriesParam: string): Promise<SeriesSummary> {
  const run = await store.resolveRun(runRef);
  const id = Number(seriesParam);
  const series = Number.isInteger(id) ? (await store.listSeries(run.id)).find((s) => s.id === id) : undefined;
  if (series === undefined) throw new ApiError(404, 'E_SERIES_NOT_FOUND', `run ${run.id} has no series with id "${seriesParam}"`);
  return series;
}

/** The last x of a series on an axis, from its summary. */
function lastX(series: SeriesSummary, x: XAxis): number | undefined {
  return x === 'time' ? series.lastTime : x === 'step' ? series.lastStep : series.lastEpoch;
}

/** A series' data as buckets for a range, and its raw points from an index (for live updates). */
export function seriesRoutes(store: Store): Hono {
  const app = new Hono();

  app.get('/runs/:run/series/:series/data', async (c) => {
    const series = await findSeries(store, c.req.param('run'), c.req.param('series'));
    const x = choiceParam(c, 'x', axes) ?? 'time';
    const buckets = numberParam(c, 'buckets', { min: 1, max: MAX_BUCKETS, integer: true }) ?? 1000;
    const from = numberParam(c, 'from');
    const explicitTo = numberParam(c, 'to');
    if (from !== undefined && explicitTo !== undefined && from > explicitTo) {
      throw new ApiError(400, 'E_USAGE', `query parameters "from" and "to" must make a range with from <= to, got from=${from} and to=${explicitTo}`);
    }
    // Without `to`, stop at the summary's last x, so that the data holds exactly the first `seriesCount` points
    // and a live client can read on from there.
    const to = explicitTo ?? lastX(series, x);
    if (to === undefined) {
      return c.json({
        ...seriesDataView({ seriesId: series.id, x, resolution: 'raw', total: 0, xs: [], min: [], max: [], last: [], count: [] }),
        seriesCount: series.count,
      });
    }
    const data = await store.querySeries(series.id, { x, buckets, to, ...(from === undefined ? {} : { from }) });
    return c.json({ ...seriesDataView(data), seriesCount: series.count });
  });

  app.get('/runs/:run/series/:series/points', async (c) => {
    const series = await findSeries(store, c.req.param('run'), c.req.param('series'));
    const from = numberParam(c, 'from', { min: 0, integer: true }) ?? 0;
    const limit = numberParam(c, 'limit', { min: 1, max: MAX_POINTS, integer: true }) ?? 10_000;
    const columns = { time: [] as number[], step: [] as number[], epoch: [] as number[], value: [] as number[] };
    for await (const batch of store.readPoints(series.id, from)) {
      const take = Math.min(batch.value.length, limit - columns.value.length);
      for (let i = 0; i < take; i++) {
        columns.time.push(batch.time[i] as number);
        columns.step.push(batch.step[i] as number);
        columns.epoch.push(batch.epoch[i] as number);
        columns.value.push(batch.value[i] as number);
      }
      if (columns.value.length >= limit) break;
    }
    return c.json({ seriesId: series.id, ...pointsView({ start: from, ...columns }), seriesCount: series.count });
  });

  return app;
}
