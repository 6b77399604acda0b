import os from 'node:os';
import type { Run } from '../model/run.js';
import { mergeSpools, spoolBases, storeSink } from '../record/index.js';
import type { RunResponse, SeriesView } from '../server/api-types.js';
import { flopsThroughput } from '../server/throughput.js';
import { runView, seriesView } from '../server/views.js';
import { isAgentAlive } from '../store/agent-process.js';
import type { SeriesSummary, Store } from '../store/store.js';

/**
 * Before showing anything: adds what recorders that stopped left in spools for this store (a run's end included),
 * then marks this host's runs whose runmeter died as lost. Problems are left for `runmeter sync` to report.
 */
export async function settleLostRuns(store: Store): Promise<void> {
  await mergeSpools(storeSink(store), spoolBases()).catch(() => []);
  await store.markLostRuns(os.hostname(), isAgentAlive).catch(() => []);
}

/** A run in full, as `show --json` writes it: the body of GET /api/v1/runs/:run, and its series as GET .../series has them. */
export type RunDetail = RunResponse & { series: SeriesView[] };

/** Everything `show` prints about a run, read once: the same serializers as the HTTP API's. */
export async function runDetail(store: Store, run: Run): Promise<{ detail: RunDetail; series: SeriesSummary[] }> {
  const [series, artifacts, stdout, stderr] = await Promise.all([
    store.listSeries(run.id),
    store.listArtifacts(run.id),
    store.outputSize(run.id, 'stdout'),
    store.outputSize(run.id, 'stderr'),
  ]);
  const detail: RunDetail = {
    run: runView(run, series),
    output: { stdout, stderr },
    artifacts,
    flops: flopsThroughput(run, series),
    series: series.map(seriesView),
  };
  return { detail, series };
}
