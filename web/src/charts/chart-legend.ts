import type { XMode } from '../api.js';
import { h, setText } from '../dom.js';
import { formatClock, formatElapsed, formatNumber, formatUnit } from '../format.js';
import type { SeriesBuffer } from './series-buffer.js';

/** What a click on a legend entry does: hide or show that line, or (Alt-click) show it alone. */
export interface LegendActions {
  toggle(label: string): void;
  solo(label: string): void;
}

/** A chart's legend: one entry per line with its value at the cursor (or its latest), and the x under the cursor. */
export class ChartLegend {
  readonly element: HTMLElement;
  readonly readout: HTMLElement;
  private entries: Array<{ value: HTMLElement; range: HTMLElement }> = [];

  constructor(
    private readonly unit: string,
    private readonly xMode: XMode,
    private readonly actions?: LegendActions,
  ) {
    this.element = h('div', { class: 'chart-legend' });
    this.readout = h('span', { class: 'chart-readout' });
  }

  /** Builds the entries for the chart's lines; hidden lines are shown struck through, a click brings them back. */
  setLines(lines: ReadonlyArray<{ label: string; color: string; dashed?: boolean }>, hidden: ReadonlySet<string> = new Set()): void {
    this.element.textContent = '';
    const actions = this.actions;
    this.entries = lines.map((line) => {
      const value = h('span', { class: 'legend-value' });
      const range = h('span', { class: 'legend-range' });
      const swatch = h('span', { class: line.dashed ? 'legend-swatch dashed' : 'legend-swatch' });
      swatch.style.color = line.color;
      const off = hidden.has(line.label);
      const parts = [swatch, h('span', { class: 'legend-label' }, line.label), value, range];
      const item =
        actions && lines.length > 1
          ? h(
              'button',
              {
                type: 'button',
                class: off ? 'legend-item legend-toggle off' : 'legend-item legend-toggle',
                'aria-pressed': String(!off),
                title: `${line.label}\nClick to ${off ? 'show' : 'hide'} this line; Alt-click to show it alone (again: all)`,
                onclick: (event: Event) => {
                  const { altKey, metaKey, ctrlKey } = event as MouseEvent;
                  if (altKey || metaKey || ctrlKey) actions.solo(line.label);
                  else actions.toggle(line.label);
                },
              },
              ...parts,
            )
          : h('span', { class: 'legend-item', title: line.label }, ...parts);
      this.element.append(item);
      return { value, range };
    });
  }

  /** Shows each line's value nearest to `x` where the line has points, or its latest when `x` is null (no hover). */
  show(buffers: ReadonlyArray<SeriesBuffer | undefined>, x: number | null): void {
    // The readout names the x of the point shown, not the cursor's position between points.
    let shownX: number | null = null;
    buffers.forEach((buffer, i) => {
      const entry = this.entries[i];
      if (!entry) return;
      const index = buffer === undefined ? -1 : x === null ? buffer.values.length - 1 : buffer.indexAt(x);
      if (buffer === undefined || index < 0) {
        setText(entry.value, '—');
        setText(entry.range, '');
        return;
      }
      if (x !== null && shownX === null) shownX = buffer.xs[index] ?? null;
      setText(entry.value, formatUnit(buffer.values[index] as number, this.unit));
      const count = buffer.counts[index] ?? 1;
      const min = buffer.mins[index] as number;
      const max = buffer.maxs[index] as number;
      // Hovering a bucket of many points: say what it spans, so a spike inside it is never hidden.
      setText(
        entry.range,
        x !== null && count > 1 && min !== max ? `${formatUnit(min, this.unit)} – ${formatUnit(max, this.unit)} · ${formatNumber(count)} pts` : '',
      );
    });
    setText(this.readout, shownX === null ? '' : this.formatX(shownX));
  }

  private formatX(x: number): string {
    if (this.xMode === 'time') return formatClock(x * 1000);
    if (this.xMode === 'relative') return formatElapsed(x);
    return `${this.xMode} ${formatNumber(x)}`;
  }
}
