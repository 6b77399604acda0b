import uPlot from 'uplot';
import type { PointsView, XMode } from '../api.js';
import { h, icon, replaceChildren, setText } from '../dom.js';
import { formatNumber } from '../format.js';
import { ChartData } from './chart-data.js';
import { ChartLegend } from './chart-legend.js';
import { type ChartLine, chartMode } from './chart-line.js';
import type { ChartContext } from './chart-view.js';
import { plotOptions } from './plot-options.js';
import { ema } from './series-buffer.js';

export type { ChartLine } from './chart-line.js';
export type { ChartContext } from './chart-view.js';

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

  /** Values a log axis cannot draw (zero or below): said in the header. */
  private readonly logNote: HTMLElement;
  private readonly logButton: HTMLButtonElement;
  private readonly fullButton: HTMLButtonElement;
  private readonly addMenu: HTMLSelectElement;
  private readonly mergedRow: HTMLElement;
  readonly key: string;
  readonly title: string;
  readonly unit: string;
  private lines: ChartLine[];

  constructor(
    spec: { key: string; title: string; unit: string; lines: ChartLine[]; merged?: ReadonlyArray<{ key: string; title: string }> },
    private readonly context: ChartContext,
  ) {
    this.key = spec.key;
    this.title = spec.title;
    this.unit = spec.unit;
    this.lines = spec.lines;
    const { key, title, lines } = spec;
    this.mode = chartMode(context.xMode, lines);
    this.legend = new ChartLegend(spec.unit, this.mode, {
      toggle: (label) => {
        context.view.toggleLine(key, label);
        context.changed(key, 'lines');
      },
      solo: (label) => {
        context.view.soloLine(
          key,
          label,
          this.lines.map((l) => l.label),
        );
        context.changed(key, 'lines');
      },
    });
    const reset = h(
      'button',
      { class: 'icon-button chart-reset', title: 'Reset zoom (or double-click the chart)', onclick: () => this.setZoom(null) },
      icon('reset', 14),
    );
    this.logButton = h(
      'button',
      {
        type: 'button',
        class: 'chart-tool chart-log',
        title: 'Logarithmic y axis',
        onclick: () => {
          context.view.setLog(key, !context.view.isLog(key));
          context.changed(key, 'log');
        },
      },
      'log',
    );
    this.fullButton = h(
      'button',
      {
        type: 'button',
        class: 'icon-button chart-full-button',
        onclick: () => {
          context.view.full = context.view.full === key ? undefined : key;
          context.changed(key, 'full');
        },
      },
      icon('expand', 14),
    );
    this.addMenu = h('select', {
      class: 'chart-add',
      title: 'Draw another metric on this chart',
      'aria-label': `Add a metric to ${title}`,
      onchange: () => {
        const other = this.addMenu.value;
        this.addMenu.value = '';
        if (other === '') return;
        context.view.setMerged(key, other, true);
        context.changed(key, 'merge');
      },
    });
    this.addMenu.addEventListener('focus', () => this.fillAddMenu());
    this.addMenu.addEventListener('pointerdown', () => this.fillAddMenu());
    this.mergedRow = h(
      'div',
      { class: 'chart-merged' },
      ...(spec.merged ?? []).map((other) =>
        h(
          'button',
          {
            type: 'button',
            class: 'chip chart-merged-chip',
            title: `Stop drawing ${other.title} here`,
            onclick: () => {
              context.view.setMerged(key, other.key, false);
              context.changed(key, 'merge');
            },
          },
          `+ ${other.title}`,
          icon('close', 12),
        ),
      ),
    );
    this.mergedRow.hidden = (spec.merged ?? []).length === 0;
    this.fillAddMenu();
    const fallback =
      this.mode === context.xMode
        ? null
        : h('span', { class: 'chart-axis-note', title: `These series have no ${context.xMode}` }, `by ${modeNames[this.mode]}`);
    this.logNote = h('span', { class: 'chart-axis-note chart-log-note', hidden: true });
    this.body = h('div', { class: 'chart-body' }, h('div', { class: 'chart-skeleton' }));
    this.element = h(
      'section',
      { class: 'chart-card', 'data-chart': title, 'data-key': key },
      h(
        'header',
        { class: 'chart-head' },
        h('h3', { class: 'chart-title', title }, title),
        fallback,
        this.logNote,
        this.legend.readout,
        h('div', { class: 'chart-tools' }, this.addMenu, this.logButton, this.fullButton, reset),
      ),
      this.mergedRow,
      this.legend.element,
      this.body,
    );
    this.showTools();
    this.legend.setLines(lines, context.view.hiddenIn(key));
    this.data = new ChartData(
      () => this.lines,
      () => ({ mode: this.mode, zoom: this.zoom, buckets: this.bucketCount() }),
      (loaded) => (loaded ? this.render() : this.scheduleRender()),
      (error) => this.showMessage(`Could not load this chart: ${error.message}`),
    );
    this.resizeObserver = new ResizeObserver(() => this.resize());
    this.resizeObserver.observe(this.body);
  }

  /** The add-a-metric menu's choices: read when it opens, since charts come and go while a run goes on. */
  private fillAddMenu(): void {
    const taken = new Set(this.context.view.mergedInto(this.key));
    const choices = this.context.mergeChoices(this.key).filter((c) => !taken.has(c.key));
    this.addMenu.replaceChildren(h('option', { value: '' }, '+ metric'), ...choices.map((c) => h('option', { value: c.key }, c.title)));
    this.addMenu.disabled = choices.length === 0;
  }

  /** Shows the log and full-screen buttons' state. */
  showTools(): void {
    const log = this.context.view.isLog(this.key);
    this.logButton.classList.toggle('active', log);
    this.logButton.setAttribute('aria-pressed', String(log));
    const full = this.context.view.full === this.key;
    this.element.classList.toggle('chart-full', full);
    this.fullButton.title = full ? 'Leave full screen (Esc)' : 'Full screen';
    this.fullButton.setAttribute('aria-pressed', String(full));
  }

  /** Shows the lines the view hides or shows, the log axis and full screen, after the view changed. */
  applyView(): void {
    this.showTools();
    this.legend.setLines(this.lines, this.context.view.hiddenIn(this.key));
    this.render();
    this.resize();
  }

  /** Lines on this chart. */
  get lineIds(): string[] {
    return this.lines.map((line) => line.id);
  }

  /** Adds a line (a series that appeared while the run goes on) and loads it. */
  addLine(line: ChartLine): void {
    if (this.lines.some((l) => l.id === line.id)) return;
    this.lines = [...this.lines, line];
    this.legend.setLines(this.lines, this.context.view.hiddenIn(this.key));
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
    const log = this.context.view.isLog(this.key);
    let notDrawn = 0;
    const tables = buffers.map((buffer) => {
      const columns: Array<Array<number | null>> = buffer ? buffer.columns() : [[], [], [], []];
      if (smoothing) columns.push(ema(columns[1] as Array<number | null>, this.context.smoothing));
      if (log) {
        // A log axis has no place for zero or below: those values become gaps, and the header counts them.
        for (let c = 1; c < columns.length; c++) {
          const column = columns[c] as Array<number | null>;
          for (let i = 0; i < column.length; i++) {
            const v = column[i];
            if (v !== null && v !== undefined && v <= 0) {
              column[i] = null;
              if (c === 1) notDrawn++;
            }
          }
        }
      }
      return columns as uPlot.AlignedData;
    });
    this.logNote.hidden = notDrawn === 0;
    setText(this.logNote, notDrawn === 0 ? '' : `${formatNumber(notDrawn)} ≤ 0 not drawn`);
    const integerX = (this.mode === 'step' || this.mode === 'epoch') && buffers.every((b) => b === undefined || b.xs.every(Number.isInteger));
    const hidden = this.context.view.hiddenIn(this.key);
    const data = tables.length === 1 ? (tables[0] as uPlot.AlignedData) : uPlot.join(tables);
    const shape = `${this.lines.length}|${smoothing}|${log}|${integerX}|${this.lines.map((l) => hidden.has(l.label)).join()}`;
    if (this.plot && shape === this.plotShape) this.plot.setData(data);
    else this.createPlot(data, shape, { log, integerX, hidden });
    this.element.classList.toggle('zoomed', this.zoom !== null);
    // How many points (or buckets) are drawn: for tests and for anyone inspecting the page.
    this.element.dataset.points = String(buffers.reduce((n, b, i) => n + (hidden.has(this.lines[i]?.label ?? '') ? 0 : (b?.xs.length ?? 0)), 0));
    this.legend.show(buffers, this.hoverX);
  }

  private height(): number {
    return this.context.view.full === this.key ? Math.max(HEIGHT, this.body.clientHeight) : HEIGHT;
  }

  private createPlot(data: uPlot.AlignedData, shape: string, look: { log: boolean; integerX: boolean; hidden: ReadonlySet<string> }): void {
    this.plot?.destroy();
    const options = plotOptions({
      width: this.body.clientWidth || 600,
      height: this.height(),
      xMode: this.mode,
      unit: this.unit,
      lines: this.lines.map((line) => ({ ...line, hidden: look.hidden.has(line.label) })),
      smoothing: this.context.smoothing > 0,
      log: look.log,
      integerX: look.integerX,
      syncKey: `${this.context.syncKey}:${this.mode}`,
      zoomRange: () => this.zoom,
      onDoubleClick: () => this.setZoom(null),
      onTicks: (axis, labels) => {
        // The drawn tick labels, for tests and for anyone inspecting the page (uPlot paints them on a canvas).
        this.element.dataset[axis === 0 ? 'xTicks' : 'yTicks'] = labels.join('|');
      },
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
    const height = this.height();
    if (this.plot && width > 0 && (Math.abs(width - this.plot.width) > 1 || Math.abs(height - this.plot.height) > 1)) this.plot.setSize({ width, height });
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
