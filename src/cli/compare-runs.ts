// `runmeter compare` for the terminal: the comparison (src/model/run-query/compare.ts) as a table.
import { formatValue } from '../model/format.js';
import { bestValue, type Comparison } from '../model/run-query/compare.js';
import { paramText } from '../model/run-query/index.js';
import { renderTable, truncate } from './table.js';

/** A param's value for the terminal. */
export const paramCell = (value: string | number | boolean | null | undefined) => (value === undefined ? '-' : paramText(value));

/** Per run, whether its best value of a metric is the best of the runs that have one (ties all count); none without a direction. */
export function bestRuns(metric: Comparison['metrics'][number]): boolean[] {
  const bests = metric.values.map((stat) => (stat === undefined ? undefined : bestValue(stat, metric.better)));
  const finite = bests.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  // A best run only among two or more: a metric one run has is nobody's win.
  if (finite.length < 2 || metric.better === undefined) return bests.map(() => false);
  const winner = metric.better === 'lower' ? Math.min(...finite) : Math.max(...finite);
  return bests.map((v) => v === winner);
}

/**
 * The comparison as a table: a column per run; its name and status, the params that differ (every param with
 * `all`), then each metric's last value, its best in brackets where that differs, and `*` on the best run.
 */
export function comparisonTable(comparison: Comparison, options: { all?: boolean } = {}): string {
  const header = ['', ...comparison.runs.map((r) => r.id)];
  const rows: string[][] = [
    ['name', ...comparison.runs.map((r) => truncate(r.name, 24))],
    ['status', ...comparison.runs.map((r) => r.status)],
  ];
  const { differing, same, values } = comparison.params;
  const total = differing.length + same.length;
  const shown = options.all ? [...differing, ...same] : differing;
  rows.push(
    [''],
    [options.all ? `params (${differing.length} of ${total} differ)` : `params that differ (${differing.length} of ${total}; --all shows every one)`],
  );
  for (const name of shown) rows.push([`${differing.includes(name) ? '' : '  '}${name}`, ...(values[name] ?? []).map(paramCell)]);
  rows.push([''], ['final metrics: last (best), * best run']);
  for (const metric of comparison.metrics) {
    const winners = bestRuns(metric);
    rows.push([
      metric.key,
      ...metric.values.map((stat, i) => {
        if (stat === undefined) return '-';
        const best = bestValue(stat, metric.better);
        const text = best === undefined || best === null || best === stat.last ? formatValue(stat.last) : `${formatValue(stat.last)} (${formatValue(best)})`;
        return winners[i] ? `${text} *` : text;
      }),
    ]);
  }
  return renderTable(header, rows);
}
