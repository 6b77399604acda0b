import type { SeriesView } from '../api.js';
import type { ChartSpec } from '../charts/chart-grid.js';
import { meanLabel } from '../series-labels.js';
import { paletteColor } from '../theme.js';

const contextOrder = ['training', 'validation', 'evaluation', 'testing'];

function contextRank(series: SeriesView): number {
  const i = contextOrder.indexOf(series.context ?? 'training');
  return i === -1 ? contextOrder.length : i;
}

/** Training charts sort by name with loss first; system charts in their set order (CPU, memory, GPU, ...). */
function compareCharts(a: SeriesView, b: SeriesView): number {
  const lossFirst = (s: SeriesView) => (s.chart.title === 'loss' ? 0 : 1);
  return a.chart.order - b.chart.order || lossFirst(a) - lossFirst(b) || a.chart.title.localeCompare(b.chart.title);
}

/** The charts of one run page section: one per chart key, training beside validation, lines coloured in order. */
export function runChartSpecs(series: SeriesView[], section: SeriesView['chart']['section'], runId: string, startTime: number): ChartSpec[] {
  const groups = new Map<string, SeriesView[]>();
  for (const s of [...series].filter((s) => s.chart.section === section).sort(compareCharts)) {
    const group = groups.get(s.chart.key);
    if (group) group.push(s);
    else groups.set(s.chart.key, [s]);
  }
  return [...groups.values()].map((members) => {
    const first = members[0] as SeriesView;
    members.sort((a, b) => contextRank(a) - contextRank(b) || (a.rank ?? -1) - (b.rank ?? -1) || a.chart.label.localeCompare(b.chart.label));
    // A `... max` series (the highest reading of each interval) takes its mean's colour, dashed.
    const colors = new Map<string, string>();
    for (const s of members) {
      const base = meanLabel(s.chart.label);
      if (!colors.has(base)) colors.set(base, paletteColor(colors.size));
    }
    return {
      key: first.chart.key,
      title: first.chart.title,
      unit: first.chart.unit,
      lines: members.map((s) => ({
        id: `${runId}:${s.id}`,
        runId,
        seriesId: s.id,
        label: s.chart.label,
        color: colors.get(meanLabel(s.chart.label)) as string,
        startTime,
        dashed: meanLabel(s.chart.label) !== s.chart.label,
        hasStep: s.firstStep !== undefined,
        hasEpoch: s.firstEpoch !== undefined,
      })),
    };
  });
}
