import { Hono } from 'hono';
import { type Run, type RunStatus, runStatuses } from '../../model/run.js';
import { compileFilter, FilterError, parseSortKey, runRecord, schemaOf, sortRuns, UnknownFieldError } from '../../model/run-query/index.js';
import type { SeriesSummary, Store } from '../../store/store.js';
import type { ProjectsResponse, RunsResponse } from '../api-types.js';
import { findEndCause } from '../end-cause.js';
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

/** Groups series by run. */
function byRun(series: SeriesSummary[]): Map<string, SeriesSummary[]> {
  const map = new Map<string, SeriesSummary[]>();
  for (const s of series) {
    const list = map.get(s.runId);
    if (list) list.push(s);
    else map.set(s.runId, [s]);
  }
  return map;
}

/** Keeps the runs a filter expression matches, sorted by `sort`; a bad expression is a 400 naming its position. */
function filterAndSort(runs: Run[], series: Map<string, SeriesSummary[]>, filter: string, sort: string, now: number): Run[] {
  const records = runs.map((run) => Object.assign(runRecord(run, series.get(run.id) ?? [], now), { run }));
  const schema = schemaOf(records);
  try {
    const keep = compileFilter(filter, schema);
    const sorted = sortRuns(records.filter(keep), sort === '' ? undefined : parseSortKey(sort, schema));
    return sorted.map((record) => record.run);
  } catch (error) {
    if (error instanceof FilterError) throw new ApiError(400, 'E_FILTER', `query parameter "filter": ${error.message}`);
    if (error instanceof UnknownFieldError) throw new ApiError(400, 'E_USAGE', `query parameter "sort": ${error.message}`);
    throw error;
  }
}

/** The runs list, projects, a run's detail and its series list. */
export function runRoutes(store: Store): Hono {
  const app = new Hono();

  app.get('/runs', async (c) => {
    const limit = numberParam(c, 'limit', { min: 1, max: 10_000, integer: true }) ?? 200;
    const offset = numberParam(c, 'offset', { min: 0, integer: true }) ?? 0;
    const status = statusFilter(c.req.query('status'));
    const text = c.req.query('text');
    const project = c.req.query('project');
    const filter = c.req.query('filter') ?? '';
    const sort = c.req.query('sort') ?? '';
    const now = Date.now();
    const base = { ...(status ? { status } : {}), ...(text ? { text } : {}), ...(project === undefined ? {} : { project: project === '' ? null : project }) };
    let runs: Run[];
    let series: Map<string, SeriesSummary[]>;
    let total: number | undefined;
    if (filter === '' && sort === '') {
      runs = await store.listRuns({ ...base, limit, offset });
      series = byRun(
        await store.listSeriesOfRuns(
          runs.map((r) => r.id),
          ['training'],
        ),
      );
    } else {
      // Filters may name metrics: every run's summaries are read (in a few queries), then the page is cut.
      const all = await store.listRuns(base);
      series = byRun(
        await store.listSeriesOfRuns(
          all.map((r) => r.id),
          ['training'],
        ),
      );
      const matched = filterAndSort(all, series, filter, sort, now);
      total = matched.length;
      runs = matched.slice(offset, offset + limit);
    }
    const response: RunsResponse = { runs: runs.map((run) => runView(run, series.get(run.id) ?? [], now)) };
    if (total !== undefined) response.total = total;
    return c.json(response);
  });

  app.get('/projects', async (c) => c.json({ projects: await store.listProjects() } satisfies ProjectsResponse));

  app.get('/runs/:run', async (c) => {
    const run = await store.resolveRun(c.req.param('run'));
    const [series, stdout, stderr, artifacts, endCause] = await Promise.all([
      store.listSeries(run.id),
      store.outputSize(run.id, 'stdout'),
      store.outputSize(run.id, 'stderr'),
      store.listArtifacts(run.id),
      findEndCause(store, run),
    ]);
    const response = {
      run: runView(run, series),
      output: { stdout, stderr },
      artifacts,
      flops: flopsThroughput(run, series),
      ...(endCause ? { endCause } : {}),
    };
    return c.json(response);
  });

  app.get('/runs/:run/series', async (c) => {
    const run = await store.resolveRun(c.req.param('run'));
    const series = await store.listSeries(run.id);
    return c.json({ runId: run.id, series: series.map(seriesView) });
  });

  return app;
}
