import { flattenParams, type MetricStat, type RunRecord } from '../../../../src/model/run-query/index.js';
import type { RunView } from '../../api.js';
import { decodeValue } from '../../format.js';

/** A run as the table works with it: the table language's record, and the API's view of it. */
export type TableRun = RunRecord & { view: RunView };

/** The API's view of a run as a table record, values decoded (NaN stays NaN). */
export function tableRun(view: RunView): TableRun {
  const metrics: MetricStat[] = view.metrics.map((m) => {
    const stat: MetricStat = {
      key: m.key,
      name: m.name,
      last: decodeValue(m.last),
      min: m.min === null ? null : decodeValue(m.min),
      max: m.max === null ? null : decodeValue(m.max),
      count: m.count,
      seriesId: m.seriesId,
    };
    if (m.context !== undefined) stat.context = m.context;
    if (m.unit !== undefined) stat.unit = m.unit;
    return stat;
  });
  const record: TableRun = {
    id: view.id,
    name: view.name,
    command: view.command,
    host: view.host,
    user: view.user,
    status: view.status,
    startTime: view.startTime,
    durationMs: view.durationMs,
    tags: view.tags,
    params: flattenParams(view.params),
    metrics,
    view,
  };
  if (view.project !== undefined) record.project = view.project;
  if (view.note !== undefined) record.note = view.note;
  return record;
}
