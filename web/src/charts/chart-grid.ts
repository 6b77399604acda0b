import type { PointsView, XMode } from '../api.js';
import { h, icon, setText } from '../dom.js';
import { onThemeChange, paletteColor } from '../theme.js';
import { type ChartContext, MetricChart } from './chart.js';
import { type ChartSpec, matches, sections, withMerged } from './chart-sections.js';
import { ChartView } from './chart-view.js';

export type { ChartSpec } from './chart-sections.js';

/**
 * A grid of metric charts that share an x mode, smoothing, hover and zoom: dragging on one chart zooms them all,
 * and a reset (double-click or the button) zooms them all out. Charts sharing a name prefix sit in sections that
 * fold; the view (log scales, hidden lines, full screen, metrics drawn together) is the page's, in its URL.
 */
export class ChartGrid {
  readonly element: HTMLElement;
  private readonly charts = new Map<string, MetricChart>();
  /** What each chart was built with (its merged charts): a change rebuilds it. */
  private readonly built = new Map<string, string>();
  private specs: ChartSpec[] = [];
  private readonly context: ChartContext;
  private readonly view: ChartView;
  private readonly stopTheme: () => void;
  private readonly stopView: () => void;
  private readonly noMatch: HTMLElement;
  private readonly noMatchText: HTMLElement;
  private readonly backdrop: HTMLElement;
  private readonly onKey = (event: KeyboardEvent) => {
    if (event.key === 'Escape' && this.view.full !== undefined && this.charts.has(this.view.full)) {
      const key = this.view.full;
      this.view.full = undefined;
      this.context.changed(key, 'full');
    }
  };

  constructor(options: {
    syncKey: string;
    xMode: XMode;
    smoothing: number;
    /** The page's view, shared with its toolbar; a grid without one keeps its view to itself. */
    view?: ChartView;
    onZoomChange?: (zoomed: boolean) => void;
  }) {
    this.view = options.view ?? new ChartView('grid', '', [options.xMode], options.xMode);
    const view = this.view;
    this.noMatchText = h('p', {});
    this.noMatch = h(
      'div',
      { class: 'empty-state chart-no-match', hidden: true },
      h('h2', {}, 'No charts match'),
      this.noMatchText,
      h(
        'button',
        {
          type: 'button',
          class: 'button',
          onclick: () => {
            view.filter = '';
            view.write('push');
            view.reread();
          },
        },
        icon('close', 14),
        'Clear the filter',
      ),
    );
    this.backdrop = h('div', {
      class: 'chart-backdrop',
      hidden: true,
      onclick: () => {
        const key = view.full;
        view.full = undefined;
        if (key !== undefined) this.context.changed(key, 'full');
      },
    });
    this.element = h('div', { class: 'chart-grid-wrap' });
    this.context = {
      xMode: options.xMode,
      smoothing: options.smoothing,
      syncKey: options.syncKey,
      zoom: options.view?.zoom ?? null,
      view,
      setZoom: (range) => {
        this.context.zoom = range;
        view.zoom = range;
        view.write('push');
        options.onZoomChange?.(range !== null);
        for (const chart of this.charts.values()) void chart.reload();
      },
      changed: (key, what) => {
        view.write('push');
        if (what === 'merge') this.layout();
        else if (what === 'full') this.showFull();
        else this.charts.get(key)?.applyView();
      },
      mergeChoices: (key) => {
        const unit = this.specs.find((s) => s.key === key)?.unit;
        return this.specs.filter((s) => s.key !== key && s.unit === unit).map((s) => ({ key: s.key, title: s.title }));
      },
    };
    this.stopTheme = onThemeChange(() => {
      for (const chart of this.charts.values()) chart.restyle();
    });
    // Back and Forward give the view another URL: show what it says.
    this.stopView = view.onRead(() => this.applyView());
    document.addEventListener('keydown', this.onKey);
  }

  /** Shows these charts: new ones are created, known ones gain any new lines. */
  setCharts(specs: ChartSpec[]): void {
    this.specs = specs;
    this.layout();
  }

  get size(): number {
    return this.specs.length;
  }

  /** Builds the sections and the charts they show; charts in folded sections are made when they unfold. */
  private layout(): void {
    const text = this.view.filter.trim().toLowerCase();
    const byKey = new Map(this.specs.map((spec) => [spec.key, spec]));
    const parts: HTMLElement[] = [];
    const wanted = new Set<string>();
    let shown = 0;
    for (const section of sections(this.specs)) {
      const visible = section.specs.filter((spec) => matches(spec, text) || (section.name !== undefined && section.name.toLowerCase().includes(text)));
      if (visible.length === 0) continue;
      shown += visible.length;
      // While filtering, matching charts show even in folded sections.
      const folded = section.name !== undefined && text === '' && this.view.isFolded(section.name, section.specs.length);
      const cards = folded ? [] : visible.map((spec) => this.chartFor(spec, byKey)).map((chart) => chart.element);
      if (!folded) for (const spec of visible) wanted.add(spec.key);
      const grid = h('div', { class: 'chart-grid' }, ...cards);
      if (section.name === undefined) {
        parts.push(grid);
        continue;
      }
      const name = section.name;
      const size = section.specs.length;
      parts.push(
        h(
          'section',
          { class: folded ? 'chart-section folded' : 'chart-section', 'data-section': name },
          h(
            'button',
            {
              type: 'button',
              class: 'chart-section-head',
              'aria-expanded': String(!folded),
              title: folded ? 'Show these charts' : 'Fold these charts away',
              onclick: () => {
                this.view.setFolded(name, size, !folded);
                this.view.write('push');
                this.layout();
              },
            },
            icon('fold', 14),
            h('span', { class: 'chart-section-name' }, `${name}/`),
            h(
              'span',
              { class: 'chart-section-count' },
              `${visible.length === size ? size : `${visible.length} of ${size}`} ${size === 1 ? 'chart' : 'charts'}`,
            ),
          ),
          folded ? null : grid,
        ),
      );
    }
    // Charts no longer shown (filtered out, folded, gone) are dropped: they would read data for nothing.
    for (const [key, chart] of this.charts) {
      if (wanted.has(key)) continue;
      chart.destroy();
      this.charts.delete(key);
      this.built.delete(key);
    }
    this.noMatch.hidden = !(text !== '' && shown === 0 && this.specs.length > 0);
    setText(this.noMatchText, `No chart title or line matches “${this.view.filter.trim()}”.`);
    this.element.replaceChildren(...parts, this.noMatch, this.backdrop);
    this.showFull();
  }

  /** The chart for a spec, made (or remade, when the metrics drawn on it changed) as needed. */
  private chartFor(spec: ChartSpec, byKey: ReadonlyMap<string, ChartSpec>): MetricChart {
    const others = this.view
      .mergedInto(spec.key)
      .map((key) => byKey.get(key))
      .filter((s): s is ChartSpec => s !== undefined && s.unit === spec.unit);
    const signature = others.map((s) => `${s.key}:${s.lines.length}`).join('|');
    const combined = withMerged(spec, others, paletteColor);
    let chart = this.charts.get(spec.key);
    if (chart !== undefined && this.built.get(spec.key) !== signature) {
      chart.destroy();
      chart = undefined;
    }
    if (chart === undefined) {
      chart = new MetricChart({ ...combined, merged: others.map((s) => ({ key: s.key, title: s.title })) }, this.context);
      this.charts.set(spec.key, chart);
      this.built.set(spec.key, signature);
      void chart.reload();
    } else {
      for (const line of combined.lines) if (!chart.lineIds.includes(line.id)) chart.addLine(line);
    }
    return chart;
  }

  /** Puts the chart the view names full screen (Esc or the backdrop leaves). */
  private showFull(): void {
    const full = this.view.full !== undefined ? this.charts.get(this.view.full) : undefined;
    this.backdrop.hidden = full === undefined;
    for (const chart of this.charts.values()) chart.applyView();
  }

  /** Shows the view as the URL now has it (after Back or Forward). */
  private applyView(): void {
    const mode = this.view.xMode;
    this.context.smoothing = this.view.smoothing;
    const zoomChanged = JSON.stringify(this.view.zoom) !== JSON.stringify(this.context.zoom);
    if (mode !== this.context.xMode) {
      this.context.xMode = mode;
      this.context.zoom = this.view.zoom;
      this.recreate();
      return;
    }
    this.context.zoom = this.view.zoom;
    // Merged charts may differ: rebuild those; the rest redraw with the view's log scale and lines.
    this.layout();
    if (zoomChanged) for (const chart of this.charts.values()) void chart.reload();
  }

  /** Switches the x axis: zoom resets and every chart reads its data for the new axis. */
  setXMode(mode: XMode): void {
    if (mode === this.context.xMode) return;
    this.context.xMode = mode;
    this.context.zoom = null;
    this.view.zoom = null;
    this.recreate();
  }

  /** Sets the EMA weight (0 turns smoothing off); the data is not read again. */
  setSmoothing(weight: number): void {
    this.context.smoothing = weight;
    for (const chart of this.charts.values()) chart.rebuild();
  }

  /** Draws every chart on a log y axis, or none (each chart's own button flips it). */
  setLogAll(on: boolean): void {
    this.view.setLogAll(on);
    for (const chart of this.charts.values()) chart.applyView();
  }

  resetZoom(): void {
    if (this.context.zoom !== null) this.context.setZoom(null);
    for (const chart of this.charts.values()) chart.resetOwnZoom();
  }

  /** Shows only charts whose title, section or line labels contain `text`. */
  filter(text: string): void {
    this.view.filter = text;
    this.layout();
  }

  private recreate(): void {
    for (const chart of this.charts.values()) chart.destroy();
    this.charts.clear();
    this.built.clear();
    this.layout();
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
    this.stopView();
    document.removeEventListener('keydown', this.onKey);
    for (const chart of this.charts.values()) chart.destroy();
    this.charts.clear();
  }
}
