import { metricKey } from '../../../../src/model/run-query/record.js';
import type { CompareResponse, SeriesView } from '../../api.js';
import { ChartGrid, type ChartSpec } from '../../charts/chart-grid.js';
import { chartPrefs, chartToolbar } from '../../components/chart-toolbar.js';
import { h } from '../../dom.js';
import { onThemeChange, paletteColor } from '../../theme.js';
import { GroupChart } from './group-chart.js';
import { groupChoices, groupRuns } from './groups.js';
import { labelledSelect, setOptions } from './select.js';

/** A compared run as the charts draw it: its label, colour and series (kept up to date by the live stream). */
export interface ComparedRun {
  id: string;
  name: string;
  label: string;
  startTime: number;
  series: Map<number, SeriesView>;
  color: string;
}

/**
 * One chart per training metric, keyed as the final-metrics table keys it (`loss` logged with the validation context
 * is `validation/loss`, apart from the training loss), with one line per run named by what sets it apart (`lr=0.1`).
 */
function compareSpecs(runs: readonly ComparedRun[]): ChartSpec[] {
  const byName = new Map<string, ChartSpec>();
  for (const run of runs) {
    for (const s of run.series.values()) {
      if (s.kind !== 'training' && s.kind !== 'flops') continue;
      const name = s.kind === 'training' ? metricKey(s.name, s.context) : s.name;
      const key = `${s.kind}:${name}`;
      const spec = byName.get(key) ?? { key, title: s.kind === 'training' ? name : s.chart.title, unit: s.chart.unit, lines: [] };
      byName.set(key, spec);
      spec.lines.push({
        id: `${run.id}:${s.id}`,
        runId: run.id,
        seriesId: s.id,
        label: s.rank === undefined ? run.label : `${run.label} (rank ${s.rank})`,
        color: run.color,
        startTime: run.startTime,
        hasStep: s.firstStep !== undefined,
        hasEpoch: s.firstEpoch !== undefined,
      });
    }
  }
  return [...byName.values()].sort((a, b) => (a.title === 'loss' ? -1 : b.title === 'loss' ? 1 : a.title.localeCompare(b.title)));
}

const bandNote =
  'Each line is the mean of a group’s runs at each step; its band spans their min to max there. Runs are aligned on step ' +
  '(on epoch for a metric logged without steps): between two steps a run logged its value is interpolated, and a run ' +
  'counts only from its first to its last step.';

/**
 * The compare page's charts: a chart per metric with a line per run (the shared ChartGrid, its x axis, smoothing and
 * zoom), or, grouped by a param or tag, a chart per metric with a mean line and a min–max band per group.
 */
export class CompareCharts {
  readonly element: HTMLElement;
  readonly grid: ChartGrid;
  private readonly toolbar: ReturnType<typeof chartToolbar>;
  private readonly groupBy = labelledSelect('Group by', (value) => this.onGroup(value), 'group-by');
  private readonly groupGrid = h('div', { class: 'chart-grid group-grid' });
  private readonly groupNote = h('p', { class: 'compare-note group-note' }, bandNote);
  private readonly empty = h(
    'div',
    { class: 'empty-state' },
    h('h2', {}, 'No training metrics to compare'),
    h('p', {}, 'None of these runs has recorded a training metric yet.'),
  );
  private groupCharts: GroupChart[] = [];
  /** The grouping and metrics the group charts were built for. */
  private groupedBy: string | undefined;
  private readonly stopTheme: () => void;
  private readonly view: ReturnType<typeof chartPrefs>['view'];

  constructor(
    private readonly runs: readonly ComparedRun[],
    private readonly onGroup: (group: string) => void,
  ) {
    const prefs = chartPrefs('compare', ['time', 'relative', 'step', 'epoch'], 'step');
    this.view = prefs.view;
    this.grid = new ChartGrid({ syncKey: 'compare', ...prefs, onZoomChange: (zoomed) => this.toolbar.setZoomed(zoomed) });
    this.toolbar = chartToolbar({ page: 'compare', modes: ['time', 'relative', 'step', 'epoch'], ...prefs, grids: () => [this.grid] });
    this.stopTheme = onThemeChange(() => {
      for (const chart of this.groupCharts) chart.restyle();
    });
    this.element = h(
      'section',
      { class: 'compare-section charts-section' },
      h('header', { class: 'section-head' }, h('h2', {}, 'Charts'), h('div', { class: 'toolbar-spacer' }), this.groupBy.element),
      this.groupNote,
      this.toolbar,
      this.empty,
      this.grid.element,
      this.groupGrid,
    );
  }

  /** Shows the charts for a grouping ('' for a line per run); `reload` reads the group charts' points again. */
  render(comparison: CompareResponse, group: string, reload = false): void {
    const choices = groupChoices(comparison);
    const chosen = choices.some((c) => c.key === group) ? group : '';
    setOptions(this.groupBy.select, [{ value: '', text: 'None (a line per run)' }, ...choices.map((c) => ({ value: c.key, text: c.text }))], chosen);
    const specs = compareSpecs(this.runs);
    this.empty.hidden = specs.length > 0;
    this.grid.setCharts(specs);
    this.groupNote.hidden = chosen === '';
    this.toolbar.hidden = chosen !== '';
    this.grid.element.hidden = chosen !== '';
    this.groupGrid.hidden = chosen === '';
    if (chosen === '') return;
    const key = `${chosen}|${comparison.metrics.map((m) => m.key).join(',')}`;
    if (key === this.groupedBy) {
      if (reload) for (const chart of this.groupCharts) void chart.load();
      return;
    }
    this.groupedBy = key;
    for (const chart of this.groupCharts) chart.destroy();
    const groups = groupRuns(comparison, chosen);
    const colors = groups.map((_, g) => paletteColor(g));
    this.groupCharts = comparison.metrics.map((metric) => {
      const sources = metric.values.map((value, i) =>
        value?.seriesId === undefined ? undefined : { runId: comparison.runs[i]?.id as string, seriesId: value.seriesId },
      );
      // Keras logs epochs without steps: such a metric is aligned on epoch.
      const summaries = sources.map((source, i) => (source === undefined ? undefined : this.runs[i]?.series.get(source.seriesId)));
      const axis = summaries.some((s) => s?.firstStep !== undefined) || !summaries.some((s) => s?.firstEpoch !== undefined) ? 'step' : 'epoch';
      return new GroupChart(metric.key, groups, sources, colors, axis);
    });
    this.groupGrid.replaceChildren(...this.groupCharts.map((chart) => chart.element));
    for (const chart of this.groupCharts) void chart.load();
  }

  /** Shows what the URL now says of the charts' own view (x axis, zoom, log scale...): after Back or Forward. */
  reread(): void {
    this.view.reread();
  }

  destroy(): void {
    this.stopTheme();
    this.grid.destroy();
    for (const chart of this.groupCharts) chart.destroy();
  }
}
