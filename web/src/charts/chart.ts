import uPlot from 'uplot';
import type { PointsView, XMode } from '../api.js';
import { h, icon, replaceChildren } from '../dom.js';
import { ChartData } from './chart-data.js';
import { ChartLegend } from './chart-legend.js';
import { type ChartContext, type ChartLine, chartMode } from './chart-line.js';
import { plotOptions } from './plot-options.js';
import { ema } from './series-buffer.js';

export type { ChartContext, ChartLine } from './chart-line.js';

const HEIGHT = 210;
const modeNames: Record<XMode, string> = { time: 'time', relative: 'time since start', step: 'step', epoch: 'epoch' };

/** A metric chart: its lines drawn with uPlot, a legend that reads values under the cursor, drag to zoom. */
export class MetricChart {
  readonly element: HTMLElement;
  private readonly body: HTMLElement;
  private readonly legend: ChartLegend;
  private readonly data: ChartData;
  private plot: uPlot | undefined;
  private plotShape = '';
  private renderQueued = false;
  private readonly resizeObserver: ResizeObserver;
  private hoverX: number | null = null;
  /** This chart's x mode: the grid's, unless its series lack that axis. */
  private readonly mode: XMode;
  /** Zoom of a chart whose mode is not the grid's: its x units differ, so it zooms alone. */
  private localZoom: [number, number] | null = null;

  constructor(
    readonly title: string,
    readonly unit: string,
    private lines: ChartLine[],
    private readonly context: ChartContext,
  ) {
    this.mode = chartMode(context.xMode, lines);
    this.legend = new ChartLegend(unit, this.mode);
    const reset = h(
      'button',
      { class: 'icon-button chart-reset', title: 'Reset zoom (or double-click the chart)', onclick: () => this.setZoom(null) },
      icon('reset', 14),
    );
    const fallback =
      this.mode === context.xMode
        ? null
        : h('span', { class: 'chart-axis-note', title: `These series have no ${context.xMode}` }, `by ${modeNames[this.mode]}`);
    this.body = h('div', { class: 'chart-body' }, h('div', { class: 'chart-skeleton' }));
    this.element = h(
      'section',
      { class: 'chart-card', 'data-chart': title },
      h('header', { class: 'chart-head' }, h('h3', { class: 'chart-title', title }, title), fallback, this.legend.readout, reset),
      this.legend.element,
      this.body,
    );
    this.legend.setLines(lines);
    this.data = new ChartData(
      () => this.lines,
      () => ({ mode: this.mode, zoom: this.zoom, buckets: this.bucketCount() }),
      (loaded) => (loaded ? this.render() : this.scheduleRender()),
      (error) => this.showMessage(`Could not load this chart: ${error.message}`),
    );
    this.resizeObserver = new ResizeObserver(() => this.resize());
    this.resizeObserver.observe(this.body);
  }

  /** Lines on this chart. */
  get lineIds(): string[] {
    return this.lines.map((line) => line.id);
  }

  /** Adds a line (a series that appeared while the run goes on) and loads it. */
  addLine(line: ChartLine): void {
    if (this.lines.some((l) => l.id === line.id)) return;
    this.lines = [...this.lines, line];
    this.legend.setLines(this.lines);
    void this.reload();
  }

  /** Reads every line again for the current zoom. */
  reload(): Promise<void> {
    return this.data.reload();
  }

  onPoints(runId: string, seriesId: number, points: PointsView): void {
    this.data.onPoints(runId, seriesId, points);
  }

  onSeriesCount(runId: string, seriesId: number, count: number): void {
    this.data.onSeriesCount(runId, seriesId, count);
  }

  /** The zoomed range in this chart's x units, or null. */
  private get zoom(): [number, number] | null {
    return this.mode === this.context.xMode ? this.context.zoom : this.localZoom;
  }

  /** Zooms (null: out): with the whole grid when the chart shares its x mode, else alone. */
  setZoom(range: [number, number] | null): void {
    if (this.mode === this.context.xMode) {
      this.context.setZoom(range);
      return;
    }
    this.localZoom = range;
    void this.reload();
  }

  /** Zooms out a chart that zoomed alone. */
  resetOwnZoom(): void {
    if (this.localZoom !== null) this.setZoom(null);
  }

  /** About two buckets per pixel: enough that no detail is lost, few enough to stay fast. */
  private bucketCount(): number {
    return Math.min(10_000, Math.max(200, Math.round((this.body.clientWidth || 600) * 2)));
  }

  private scheduleRender(): void {
    if (this.renderQueued) return;
    this.renderQueued = true;
    requestAnimationFrame(() => {
      this.renderQueued = false;
      this.render();
    });
  }

  /** Draws the buffers: creates the plot when its shape changed, else gives it new data. */
  render(): void {
    const buffers = this.lines.map((line) => this.data.buffers.get(line.id));
    const smoothing = this.context.smoothing > 0;
    if (buffers.every((b) => b === undefined || b.xs.length === 0)) {
      this.showEmpty();
      return;
    }
    const tables = buffers.map((buffer) => {
      const columns = buffer ? buffer.columns() : [[], [], [], []];
      return (smoothing ? [...columns, ema(columns[1], this.context.smoothing)] : columns) as uPlot.AlignedData;
    });
    const data = tables.length === 1 ? (tables[0] as uPlot.AlignedData) : uPlot.join(tables);
    const shape = `${this.lines.length}|${smoothing}`;
    if (this.plot && shape === this.plotShape) this.plot.setData(data);
    else this.createPlot(data, shape);
    this.element.classList.toggle('zoomed', this.zoom !== null);
    // How many points (or buckets) are drawn: for tests and for anyone inspecting the page.
    this.element.dataset.points = String(buffers.reduce((n, b) => n + (b?.xs.length ?? 0), 0));
    this.legend.show(buffers, this.hoverX);
  }

  private createPlot(data: uPlot.AlignedData, shape: string): void {
    this.plot?.destroy();
    const options = plotOptions({
      width: this.body.clientWidth || 600,
      height: HEIGHT,
      xMode: this.mode,
      unit: this.unit,
      lines: this.lines,
      smoothing: this.context.smoothing > 0,
      syncKey: `${this.context.syncKey}:${this.mode}`,
      zoomRange: () => this.zoom,
      onDoubleClick: () => this.setZoom(null),
      hooks: {
        setSelect: [(u) => this.onSelect(u)],
        setCursor: [(u) => this.onCursor(u)],
      },
    });
    replaceChildren(this.body);
    this.plot = new uPlot(options, data, this.body);
    this.plotShape = shape;
  }

  private onSelect(u: uPlot): void {
    if (u.select.width < 4) return;
    const from = u.posToVal(u.select.left, 'x');
    const to = u.posToVal(u.select.left + u.select.width, 'x');
    u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
    this.setZoom([from, to]);
  }

  private onCursor(u: uPlot): void {
    const left = u.cursor.left ?? -1;
    this.hoverX = left < 0 ? null : u.posToVal(left, 'x');
    this.legend.show(
      this.lines.map((line) => this.data.buffers.get(line.id)),
      this.hoverX,
    );
  }

  private showEmpty(): void {
    const mode = this.mode;
    const many = this.lines.length > 1 ? 'these series' : 'this series';
    if (mode === 'step' || mode === 'epoch') this.showMessage(`No ${mode} recorded for ${many}: switch the x axis to Time.`);
    else this.showMessage(this.zoom ? 'No points in this range.' : 'No points yet.');
  }

  private showMessage(message: string): void {
    this.plot?.destroy();
    this.plot = undefined;
    this.plotShape = '';
    replaceChildren(this.body, h('div', { class: 'chart-empty' }, message));
  }

  private resize(): void {
    const width = this.body.clientWidth;
    if (this.plot && width > 0 && Math.abs(width - this.plot.width) > 1) this.plot.setSize({ width, height: HEIGHT });
  }

  /** Redraws with the theme's current colours. */
  restyle(): void {
    this.plot?.redraw(false, true);
  }

  /** Draws again after the smoothing changed, without reading the data again (a new plot only when it turns on or off). */
  rebuild(): void {
    this.render();
  }

  destroy(): void {
    this.data.destroy();
    this.resizeObserver.disconnect();
    this.plot?.destroy();
    this.plot = undefined;
  }
}
