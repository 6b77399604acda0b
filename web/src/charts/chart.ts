import uPlot from 'uplot';
import { api, type PointsView, type XMode } from '../api.js';
import { h, icon, replaceChildren } from '../dom.js';
import { ChartLegend } from './chart-legend.js';
import { plotOptions } from './plot-options.js';
import { ema, queryAxis, SeriesBuffer, serverX } from './series-buffer.js';

/** One line on a chart: a series of a run. */
export interface ChartLine {
  /** Unique on the chart: `runId:seriesId`. */
  id: string;
  runId: string;
  seriesId: number;
  label: string;
  color: string;
  /** The run's start, for relative time. */
  startTime: number;
  /** Drawn dashed: a companion of another line, such as the interval maximum of a utilization. */
  dashed?: boolean;
}

/** What the charts of one grid share: the x mode, smoothing, hover sync and zoom. */
export interface ChartContext {
  xMode: XMode;
  /** EMA weight, 0 (off) to 0.99. */
  smoothing: number;
  syncKey: string;
  /** The zoomed x range in chart units, or null for everything. */
  zoom: [number, number] | null;
  setZoom(range: [number, number] | null): void;
}

const HEIGHT = 210;
/** Live points beyond this many times the bucket count make the chart query its buckets again. */
const REBUCKET_FACTOR = 3;

/** A metric chart: fetches buckets for its lines, draws them with uPlot, follows live points, zooms at full resolution. */
export class MetricChart {
  readonly element: HTMLElement;
  private readonly body: HTMLElement;
  private readonly legend: ChartLegend;
  private readonly resetButton: HTMLButtonElement;
  private buffers = new Map<string, SeriesBuffer>();
  private plot: uPlot | undefined;
  private plotShape = '';
  private loading: AbortController | undefined;
  private renderQueued = false;
  private reloadTimer: number | undefined;
  private gapTimers = new Map<string, number>();
  private resizeObserver: ResizeObserver;
  private hoverX: number | null = null;
  /** The newest length the live stream reported per line, to catch up after a load that read less. */
  private latestCounts = new Map<string, number>();

  constructor(
    readonly title: string,
    readonly unit: string,
    private lines: ChartLine[],
    private readonly context: ChartContext,
  ) {
    this.legend = new ChartLegend(unit, context.xMode);
    this.resetButton = h(
      'button',
      { class: 'icon-button chart-reset', title: 'Reset zoom (or double-click the chart)', onclick: () => context.setZoom(null) },
      icon('reset', 14),
    );
    this.body = h('div', { class: 'chart-body' }, h('div', { class: 'chart-skeleton' }));
    this.element = h(
      'section',
      { class: 'chart-card', 'data-chart': title },
      h('header', { class: 'chart-head' }, h('h3', { class: 'chart-title', title }, title), this.legend.readout, this.resetButton),
      this.legend.element,
      this.body,
    );
    this.legend.setLines(lines);
    this.resizeObserver = new ResizeObserver(() => this.resize());
    this.resizeObserver.observe(this.body);
  }

  /** Lines on this chart. */
  get lineIds(): string[] {
    return this.lines.map((line) => line.id);
  }

  /** Adds a line (a series that appeared while the run goes on) and loads it. */
  addLine(line: ChartLine): void {
    if (this.buffers.has(line.id) || this.lines.some((l) => l.id === line.id)) return;
    this.lines = [...this.lines, line];
    this.legend.setLines(this.lines);
    void this.reload();
  }

  private bucketCount(): number {
    return Math.min(10_000, Math.max(200, Math.round((this.body.clientWidth || 600) * 2)));
  }

  /** Queries every line again for the current x mode and zoom. */
  async reload(): Promise<void> {
    this.loading?.abort();
    const loading = new AbortController();
    this.loading = loading;
    const mode = this.context.xMode;
    const axis = queryAxis(mode);
    const buckets = this.bucketCount();
    const zoom = this.context.zoom;
    try {
      const results = await Promise.all(
        this.lines.map(async (line) => {
          const toServer = serverX(mode, line.startTime);
          const range = zoom ? { from: toServer(zoom[0]), to: toServer(zoom[1]) } : {};
          const data = await api.data(line.runId, line.seriesId, { x: axis, buckets, ...range }, loading.signal);
          const buffer = new SeriesBuffer(mode, line.startTime);
          buffer.setData(data);
          return [line.id, buffer] as const;
        }),
      );
      if (loading.signal.aborted) return;
      this.buffers = new Map(results);
      for (const [id, buffer] of this.buffers) {
        if ((this.latestCounts.get(id) ?? 0) > buffer.seen && zoom === null) this.scheduleGapRead(id, 0);
      }
      this.render();
    } catch (error) {
      if (loading.signal.aborted) return;
      replaceChildren(this.body, h('div', { class: 'chart-empty' }, `Could not load this chart: ${(error as Error).message}`));
      this.plot?.destroy();
      this.plot = undefined;
    }
  }

  /** Appends points the live stream pushed. Zoomed charts keep their view; the reset reads everything again. */
  onPoints(runId: string, seriesId: number, points: PointsView): void {
    const id = `${runId}:${seriesId}`;
    const buffer = this.buffers.get(id);
    if (buffer === undefined || this.context.zoom !== null || this.loading === undefined) return;
    const result = buffer.append(points);
    if (result === 'gap') this.scheduleGapRead(id, 0);
    else if (result === 'unordered') this.scheduleReload(0);
    else if (buffer.xs.length > this.bucketCount() * REBUCKET_FACTOR) this.scheduleReload(1000);
    this.scheduleRender();
  }

  /** Notes a series' new length: if no pushed points bring the line there soon, it reads them itself. */
  onSeriesCount(runId: string, seriesId: number, count: number): void {
    const id = `${runId}:${seriesId}`;
    this.latestCounts.set(id, Math.max(count, this.latestCounts.get(id) ?? 0));
    const buffer = this.buffers.get(id);
    if (buffer !== undefined && buffer.seen < count && this.context.zoom === null) this.scheduleGapRead(id, 400, count);
  }

  private scheduleGapRead(id: string, delayMs: number, count?: number): void {
    if (this.gapTimers.has(id)) return;
    this.gapTimers.set(
      id,
      window.setTimeout(() => {
        this.gapTimers.delete(id);
        void this.readGap(id, count);
      }, delayMs),
    );
  }

  private async readGap(id: string, count?: number): Promise<void> {
    const line = this.lines.find((l) => l.id === id);
    const buffer = this.buffers.get(id);
    if (!line || !buffer || (count !== undefined && buffer.seen >= count)) return;
    const points = await api.points(line.runId, line.seriesId, buffer.seen).catch(() => undefined);
    if (!points || this.buffers.get(id) !== buffer) return;
    // Far behind (a tab left in the background): buckets again rather than points.
    if (points.seriesCount - buffer.seen > 20_000) {
      this.scheduleReload(0);
      return;
    }
    if (buffer.append(points) === 'unordered') this.scheduleReload(0);
    else if (buffer.seen < points.seriesCount) this.scheduleGapRead(id, 0);
    this.scheduleRender();
  }

  private scheduleReload(delayMs: number): void {
    if (this.reloadTimer !== undefined) return;
    this.reloadTimer = window.setTimeout(() => {
      this.reloadTimer = undefined;
      void this.reload();
    }, delayMs);
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
    const buffers = this.lines.map((line) => this.buffers.get(line.id));
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
    const shape = `${this.lines.length}|${smoothing}|${this.context.xMode}`;
    if (this.plot && shape === this.plotShape) this.plot.setData(data);
    else this.createPlot(data, shape);
    this.element.classList.toggle('zoomed', this.context.zoom !== null);
    // How many points (or buckets) are drawn: for tests and for anyone inspecting the page.
    this.element.dataset.points = String(buffers.reduce((n, b) => n + (b?.xs.length ?? 0), 0));
    this.legend.show(buffers, this.hoverX);
  }

  private createPlot(data: uPlot.AlignedData, shape: string): void {
    this.plot?.destroy();
    const options = plotOptions({
      width: this.body.clientWidth || 600,
      height: HEIGHT,
      xMode: this.context.xMode,
      unit: this.unit,
      lines: this.lines,
      smoothing: this.context.smoothing > 0,
      syncKey: this.context.syncKey,
      zoomRange: () => this.context.zoom,
      onDoubleClick: () => this.context.setZoom(null),
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
    this.context.setZoom([from, to]);
  }

  private onCursor(u: uPlot): void {
    const left = u.cursor.left ?? -1;
    this.hoverX = left < 0 ? null : u.posToVal(left, 'x');
    this.legend.show(
      this.lines.map((line) => this.buffers.get(line.id)),
      this.hoverX,
    );
  }

  private showEmpty(): void {
    this.plot?.destroy();
    this.plot = undefined;
    this.plotShape = '';
    const mode = this.context.xMode;
    const message =
      mode === 'step' || mode === 'epoch'
        ? `No ${mode} recorded for ${this.lines.length > 1 ? 'these series' : 'this series'}: switch the x axis to Time.`
        : this.context.zoom
          ? 'No points in this range.'
          : 'No points yet.';
    replaceChildren(this.body, h('div', { class: 'chart-empty' }, message));
  }

  private resize(): void {
    const width = this.body.clientWidth;
    if (this.plot && width > 0 && Math.abs(width - this.plot.width) > 1) this.plot.setSize({ width, height: HEIGHT });
  }

  /** Redraws with the theme's current colours. */
  restyle(): void {
    if (this.plot) this.plot.redraw(false, true);
  }

  /** Draws again after the smoothing changed, without reading the data again (a new plot only when it turns on or off). */
  rebuild(): void {
    this.render();
  }

  destroy(): void {
    this.loading?.abort();
    this.resizeObserver.disconnect();
    for (const timer of this.gapTimers.values()) clearTimeout(timer);
    if (this.reloadTimer !== undefined) clearTimeout(this.reloadTimer);
    this.plot?.destroy();
    this.plot = undefined;
  }
}
