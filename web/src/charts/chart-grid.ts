import type { PointsView, XMode } from '../api.js';
import { h } from '../dom.js';
import { onThemeChange } from '../theme.js';
import { type ChartContext, type ChartLine, MetricChart } from './chart.js';

/** A chart to show: its lines, title and unit. */
export interface ChartSpec {
  key: string;
  title: string;
  unit: string;
  lines: ChartLine[];
}

/**
 * A grid of metric charts that share an x mode, smoothing, hover and zoom: dragging on one chart zooms them all,
 * and a reset (double-click or the button) zooms them all out.
 */
export class ChartGrid {
  readonly element: HTMLElement;
  private readonly charts = new Map<string, MetricChart>();
  private specs: ChartSpec[] = [];
  private readonly context: ChartContext;
  private readonly stopTheme: () => void;
  private filterText = '';

  constructor(options: { syncKey: string; xMode: XMode; smoothing: number; onZoomChange?: (zoomed: boolean) => void }) {
    this.element = h('div', { class: 'chart-grid' });
    this.context = {
      xMode: options.xMode,
      smoothing: options.smoothing,
      syncKey: options.syncKey,
      zoom: null,
      setZoom: (range) => {
        this.context.zoom = range;
        options.onZoomChange?.(range !== null);
        for (const chart of this.charts.values()) void chart.reload();
      },
    };
    this.stopTheme = onThemeChange(() => {
      for (const chart of this.charts.values()) chart.restyle();
    });
  }

  /** Shows these charts: new ones are created, known ones gain any new lines. */
  setCharts(specs: ChartSpec[]): void {
    this.specs = specs;
    for (const spec of specs) {
      const chart = this.charts.get(spec.key);
      if (chart === undefined) {
        const created = new MetricChart(spec.title, spec.unit, spec.lines, this.context);
        this.charts.set(spec.key, created);
        void created.reload();
      } else {
        for (const line of spec.lines) if (!chart.lineIds.includes(line.id)) chart.addLine(line);
      }
    }
    // Keep the order of `specs` in the page.
    this.element.replaceChildren(...specs.map((spec) => this.charts.get(spec.key)?.element).filter((e): e is HTMLElement => e !== undefined));
    this.applyFilter();
  }

  get size(): number {
    return this.charts.size;
  }

  /** Switches the x axis: zoom resets and every chart reads its data for the new axis. */
  setXMode(mode: XMode): void {
    if (mode === this.context.xMode) return;
    this.context.xMode = mode;
    this.context.zoom = null;
    this.recreate();
  }

  /** Sets the EMA weight (0 turns smoothing off); the data is not read again. */
  setSmoothing(weight: number): void {
    this.context.smoothing = weight;
    for (const chart of this.charts.values()) chart.rebuild();
  }

  resetZoom(): void {
    if (this.context.zoom !== null) this.context.setZoom(null);
    for (const chart of this.charts.values()) chart.resetOwnZoom();
  }

  /** Shows only charts whose title contains `text`. */
  filter(text: string): void {
    this.filterText = text.trim().toLowerCase();
    this.applyFilter();
  }

  private applyFilter(): void {
    for (const chart of this.charts.values()) chart.element.hidden = this.filterText !== '' && !chart.title.toLowerCase().includes(this.filterText);
  }

  private recreate(): void {
    for (const chart of this.charts.values()) chart.destroy();
    this.charts.clear();
    this.setCharts(this.specs);
  }

  onPoints(runId: string, seriesId: number, points: PointsView): void {
    for (const chart of this.charts.values()) chart.onPoints(runId, seriesId, points);
  }

  onSeriesCount(runId: string, seriesId: number, count: number): void {
    for (const chart of this.charts.values()) chart.onSeriesCount(runId, seriesId, count);
  }

  /** Reads everything again (after the live stream dropped events). */
  reloadAll(): void {
    for (const chart of this.charts.values()) void chart.reload();
  }

  destroy(): void {
    this.stopTheme();
    for (const chart of this.charts.values()) chart.destroy();
    this.charts.clear();
  }
}
