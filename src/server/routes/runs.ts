import { Hono } from 'hono';
import { type RunStatus, runStatuses } from '../../model/run.js';
import type { Store } from '../../store/store.js';
import type { RunResponse } from '../api-types.js';
import { ApiError, numberParam } from '../errors.js';
import { flopsThroughput } from '../throughput.js';
import { runView, seriesView } from '../views.js';

/** Parses `status=running,failed`, naming the accepted statuses when one is unknown. */
function statusFilter(raw: string | undefined): RunStatus[] | undefined {
  if (raw === undefined || raw === '') return undefined;
  const statuses = raw.split(',').map((s) => s.trim());
  for (const status of statuses) {
    if (!(runStatuses as readonly string[]).includes(status)) {
      throw new ApiError(400, 'E_USAGE', `query parameter "status" must list some of ${runStatuses.join(', ')}, got "${status}"`);
    }
  }
  return statuses as RunStatus[];
}

/** The runs list, a run's detail and its series list. */
export function runRoutes(store: Store): Hono {
  const app = new Hono();

  app.get('/runs', async (c) => {
    const limit = numberParam(c, 'limit', { min: 1, max: 10_000, integer: true }) ?? 200;
    const offset = numberParam(c, 'offset', { min: 0, integer: true }) ?? 0;
    const status = statusFilter(c.req.query('status'));
    const text = c.req.query('text');
    const runs = await store.listRuns({ limit, offset, ...(status ? { status } : {}), ...(text ? { text } : {}) });
    const now = Date.now();
    const views = await Promise.all(runs.map(async (run) => runView(run, await store.listSeries(run.id), now)));
    return c.json({ runs: views });
  });

  app.get('/runs/:run', async (c) => {
    const run = await store.resolveRun(c.req.param('run'));
    const [series, stdout, stderr, artifacts] = await Promise.all([
      store.listSeries(run.id),
      store.outputSize(run.id, 'stdout'),
      store.outputSize(run.id, 'stderr'),
      store.listArtifacts(run.id),
    ]);
    return c.json({ run: runView(run, series), output: { stdout, stderr }, artifacts, flops: flopsThroughput(run, series) } satisfies RunResponse);
  });

  app.get('/runs/:run/series', async (c) => {
    const run = await store.resolveRun(c.req.param('run'));
    const series = await store.listSeries(run.id);
    return c.json({ runId: run.id, series: series.map(seriesView) });
  });

  return app;
}
