import uPlot from 'uplot';
import { api } from '../../api.js';
import { h, replaceChildren, setText } from '../../dom.js';
import { decodeValue, formatCompact, formatNumber } from '../../format.js';
import { themeColors, withAlpha } from '../../theme.js';
import { type GroupSeries, groupSeries, type RunGroup, type RunPoints } from './groups.js';

const HEIGHT = 220;
/** Steps and epochs are whole numbers: ticks at 1, 2, 5, 10, ... never at 2.5. */
const integerIncrs = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].flatMap((k) => [1, 2, 5].map((m) => m * 10 ** k));
const font = '11px system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';

/** Where one run's series of this metric is, or undefined when the run lacks the metric. */
export type MetricSource = { runId: string; seriesId: number } | undefined;

/**
 * A metric's chart with one line per group of runs: the group's mean at each step, and a band from its runs' min to
 * max (uPlot bands). Runs are aligned on step (epoch when none has steps); the legend names each group's mean, range and runs.
 */
export class GroupChart {
  readonly element: HTMLElement;
  private readonly body: HTMLElement;
  private readonly readout: HTMLElement;
  private readonly legend: HTMLElement;
  private plot: uPlot | undefined;
  private series: GroupSeries | undefined;
  private loading: AbortController | undefined;
  private readonly resizeObserver: ResizeObserver;

  constructor(
    readonly metric: string,
    private readonly groups: readonly RunGroup[],
    private readonly sources: readonly MetricSource[],
    private readonly colors: readonly string[],
    /** What runs are aligned on: their steps, or their epochs when none of them logged steps. */
    private readonly axis: 'step' | 'epoch' = 'step',
  ) {
    this.body = h('div', { class: 'chart-body' }, h('div', { class: 'chart-skeleton' }));
    this.readout = h('span', { class: 'chart-readout' });
    this.legend = h('div', { class: 'chart-legend group-legend' });
    this.element = h(
      'section',
      { class: 'chart-card group-chart', 'data-chart': metric },
      h('header', { class: 'chart-head' }, h('h3', { class: 'chart-title', title: metric }, metric), this.readout),
      this.legend,
      this.body,
    );
    this.showLegend(null);
    this.resizeObserver = new ResizeObserver(() => {
      const width = this.body.clientWidth;
      if (this.plot && width > 0 && Math.abs(width - this.plot.width) > 1) this.plot.setSize({ width, height: HEIGHT });
    });
    this.resizeObserver.observe(this.body);
  }

  /** Reads every run's points of the metric by step or epoch (about two buckets per pixel) and draws the groups. */
  async load(): Promise<void> {
    this.loading?.abort();
    const loading = new AbortController();
    this.loading = loading;
    const buckets = Math.min(2000, Math.max(200, Math.round((this.body.clientWidth || 600) * 2)));
    try {
      const points = await Promise.all(
        this.sources.map(async (source): Promise<RunPoints | undefined> => {
          if (source === undefined) return undefined;
          const data = await api.data(source.runId, source.seriesId, { x: this.axis, buckets }, loading.signal);
          return { xs: data.xs, values: data.last.map(decodeValue) };
        }),
      );
      if (loading.signal.aborted) return;
      this.draw(groupSeries(this.groups, points));
    } catch (error) {
      if (!loading.signal.aborted) replaceChildren(this.body, h('div', { class: 'chart-empty' }, `Could not load this chart: ${(error as Error).message}`));
    }
  }

  private draw(series: GroupSeries): void {
    this.series = series;
    if (series.xs.length === 0) {
      this.plot?.destroy();
      this.plot = undefined;
      replaceChildren(this.body, h('div', { class: 'chart-empty' }, 'No steps or epochs recorded for this metric: runs are grouped on them.'));
      return;
    }
    const data: uPlot.AlignedData = [series.xs, ...series.groups.flatMap((g) => [g.mean, g.min, g.max])];
    this.element.dataset.groups = String(series.groups.filter((g) => g.count.some((n) => n > 0)).length);
    if (this.plot) {
      this.plot.setData(data);
      return;
    }
    const uSeries: uPlot.Series[] = [{}];
    const bands: uPlot.Band[] = [];
    this.groups.forEach((group, g) => {
      const color = this.colors[g] as string;
      const base = 1 + g * 3;
      uSeries.push(
        { label: group.label, stroke: color, width: 2, spanGaps: false, points: { show: false } },
        { label: `${group.label} min`, stroke: withAlpha(color, 0.3), width: 1, spanGaps: false, points: { show: false } },
        { label: `${group.label} max`, stroke: withAlpha(color, 0.3), width: 1, spanGaps: false, points: { show: false } },
      );
      bands.push({ series: [base + 2, base + 1], fill: withAlpha(color, 0.15) });
    });
    const axis = {
      stroke: () => themeColors().axis,
      font,
      grid: { stroke: () => themeColors().grid, width: 1 },
      ticks: { show: false },
      border: { show: false },
    };
    const options: uPlot.Options = {
      width: this.body.clientWidth || 600,
      height: HEIGHT,
      legend: { show: false },
      padding: [10, 24, 0, 0],
      series: uSeries,
      bands,
      scales: { x: { time: false, range: (_u, min, max) => (min === max ? [min - 1, max + 1] : [min, max]) } },
      axes: [
        { ...axis, space: 70, size: 28, incrs: integerIncrs, values: (_u, splits) => splits.map(formatCompact) },
        { ...axis, space: 28, size: 52, values: (_u, splits) => splits.map(formatCompact) },
      ],
      cursor: { drag: { x: false, y: false }, points: { show: false } },
      hooks: { setCursor: [(u) => this.showLegend(u.cursor.idx ?? null)] },
    };
    replaceChildren(this.body);
    this.plot = new uPlot(options, data, this.body);
    this.showLegend(null);
  }

  /** Each group's mean, range and run count at the hovered step (or at its last step with a value). */
  private showLegend(index: number | null): void {
    const series = this.series;
    const items = this.groups.map((group, g) => {
      const column = series?.groups[g];
      let at = index;
      if (column && at === null) {
        at = column.mean.length - 1;
        while (at >= 0 && column.mean[at] === null) at--;
      }
      const mean = column && at !== null && at >= 0 ? column.mean[at] : null;
      const swatch = h('span', { class: 'legend-swatch' });
      swatch.style.color = this.colors[g] as string;
      const runs = `${group.runs.length} ${group.runs.length === 1 ? 'run' : 'runs'}`;
      let value = `— · ${runs}`;
      if (mean !== null && mean !== undefined && column && at !== null) {
        const min = column.min[at] as number;
        const max = column.max[at] as number;
        const range = min === max ? '' : `${formatNumber(min)} – ${formatNumber(max)}, `;
        value = `${formatNumber(mean)} (${range}${column.count[at]} of ${runs})`;
      }
      return h(
        'span',
        { class: 'legend-item', title: group.label },
        swatch,
        h('span', { class: 'legend-label' }, group.label),
        h('span', { class: 'legend-value' }, value),
      );
    });
    this.legend.replaceChildren(...items);
    setText(this.readout, index === null || !series ? '' : `${this.axis} ${formatNumber(series.xs[index] as number)}`);
  }

  /** Redraws with the theme's current colours. */
  restyle(): void {
    this.plot?.redraw(false, true);
  }

  destroy(): void {
    this.loading?.abort();
    this.resizeObserver.disconnect();
    this.plot?.destroy();
    this.plot = undefined;
  }
}
