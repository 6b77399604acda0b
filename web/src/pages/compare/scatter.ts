// A param against a metric's final or best value, one point per run, drawn as a small SVG (text only as text nodes).
import { h } from '../../dom.js';
import { formatCompact, formatNumber } from '../../format.js';

const svgNs = 'http://www.w3.org/2000/svg';
const HEIGHT = 280;
const margin = { top: 14, right: 24, bottom: 40, left: 58 };

/** One run on the scatter: its param value (x), metric value (y), colour and label. */
export interface ScatterPoint {
  runId: string;
  label: string;
  color: string;
  x: string | number | boolean | null;
  y: number;
}

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attributes: Record<string, string | number>, text?: string): SVGElementTagNameMap[K] {
  const element = document.createElementNS(svgNs, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  if (text !== undefined) element.textContent = text;
  return element;
}

/** About `count` round ticks between min and max. */
function linearTicks(min: number, max: number, count = 6): number[] {
  if (min === max) return [min];
  const raw = (max - min) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 2.5, 5, 10].find((m) => m * power >= raw) ?? 10) * power;
  const ticks: number[] = [];
  for (let t = Math.ceil(min / step) * step; t <= max + step * 1e-9; t += step) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

/** An x axis for the param's values: log when they are positive numbers spanning 20× or more, linear for other numbers, else categories. */
function xAxis(values: ReadonlyArray<ScatterPoint['x']>, width: number) {
  const left = margin.left;
  const right = width - margin.right;
  const numbers = values.every((v) => typeof v === 'number' && Number.isFinite(v));
  if (numbers && values.length > 0) {
    const xs = values as number[];
    const min = Math.min(...xs);
    const max = Math.max(...xs);
    if (min > 0 && max / min >= 20) {
      // A quarter decade either side, so that no point sits on the plot's edge.
      const lo = Math.log10(min) - 0.25;
      const hi = Math.log10(max) + 0.25;
      const place = (v: number) => left + ((Math.log10(v) - lo) / (hi - lo)) * (right - left);
      const first = Math.ceil(lo);
      const ticks = Array.from({ length: Math.floor(hi) - first + 1 }, (_, i) => 10 ** (first + i));
      return { kind: 'log' as const, place: (v: ScatterPoint['x']) => place(v as number), ticks: ticks.map((t) => ({ at: place(t), text: formatCompact(t) })) };
    }
    const pad = (max - min) * 0.06 || Math.abs(max) * 0.1 || 1;
    const place = (v: number) => left + ((v - (min - pad)) / (max - min + 2 * pad)) * (right - left);
    return {
      kind: 'linear' as const,
      place: (v: ScatterPoint['x']) => place(v as number),
      ticks: linearTicks(min - pad, max + pad).map((t) => ({ at: place(t), text: formatCompact(t) })),
    };
  }
  const categories = [...new Set(values.map((v) => (v === null ? '—' : String(v))))].sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
  const place = (v: ScatterPoint['x']) => left + ((categories.indexOf(v === null ? '—' : String(v)) + 0.5) / categories.length) * (right - left);
  return { kind: 'category' as const, place, ticks: categories.map((c) => ({ at: place(c), text: c })) };
}

/** Draws the scatter into an SVG sized to `width`; each point has a tooltip with the run's label and both values. */
export function scatterSvg(points: readonly ScatterPoint[], options: { width: number; xName: string; yName: string }): SVGSVGElement {
  const width = Math.max(320, options.width);
  const root = svg('svg', { class: 'scatter', width, height: HEIGHT, viewBox: `0 0 ${width} ${HEIGHT}`, role: 'img' });
  root.setAttribute('aria-label', `${options.yName} against ${options.xName}`);
  const x = xAxis(
    points.map((p) => p.x),
    width,
  );
  const ys = points.map((p) => p.y);
  const yMin = Math.min(...ys);
  const yMax = Math.max(...ys);
  const yPad = (yMax - yMin) * 0.08 || Math.abs(yMax) * 0.1 || 1;
  const top = margin.top;
  const bottom = HEIGHT - margin.bottom;
  const placeY = (v: number) => bottom - ((v - (yMin - yPad)) / (yMax - yMin + 2 * yPad)) * (bottom - top);
  for (const tick of linearTicks(yMin - yPad, yMax + yPad)) {
    const at = placeY(tick);
    root.append(
      svg('line', { class: 'scatter-grid', x1: margin.left, x2: width - margin.right, y1: at, y2: at }),
      svg('text', { class: 'scatter-tick', x: margin.left - 8, y: at + 4, 'text-anchor': 'end' }, formatCompact(tick)),
    );
  }
  for (const tick of x.ticks) {
    root.append(
      svg('line', { class: 'scatter-grid', x1: tick.at, x2: tick.at, y1: top, y2: bottom }),
      svg('text', { class: 'scatter-tick', x: tick.at, y: bottom + 16, 'text-anchor': 'middle' }, tick.text),
    );
  }
  root.append(
    svg(
      'text',
      { class: 'scatter-axis-name', x: (margin.left + width - margin.right) / 2, y: HEIGHT - 6, 'text-anchor': 'middle' },
      `${options.xName}${x.kind === 'log' ? ' (log scale)' : ''}`,
    ),
    svg(
      'text',
      { class: 'scatter-axis-name', x: 12, y: (top + bottom) / 2, 'text-anchor': 'middle', transform: `rotate(-90 12 ${(top + bottom) / 2})` },
      options.yName,
    ),
  );
  // Runs with the same x are spread a little sideways, so that none hides another.
  const seen = new Map<string, number>();
  for (const point of points) {
    const key = `${String(point.x)}|${point.y}`;
    const nth = seen.get(key) ?? 0;
    seen.set(key, nth + 1);
    const circle = svg('circle', { class: 'scatter-point', cx: x.place(point.x) + nth * 6, cy: placeY(point.y), r: 5.5, 'data-run': point.runId });
    circle.style.fill = point.color;
    circle.append(
      svg('title', {}, `${point.label}\n${options.xName} = ${point.x === null ? '—' : String(point.x)}\n${options.yName} = ${formatNumber(point.y)}`),
    );
    root.append(circle);
  }
  return root;
}

/** The scatter in a card with its notes: which runs were left out, and why. */
export function scatterFigure(points: readonly ScatterPoint[], left: string[], options: { width: number; xName: string; yName: string }): HTMLElement {
  return h(
    'figure',
    { class: 'scatter-figure' },
    points.length === 0 ? h('div', { class: 'chart-empty' }, 'No run has both of these.') : scatterSvg(points, options),
    left.length === 0 ? null : h('figcaption', { class: 'scatter-note' }, `Not drawn: ${left.join('; ')}`),
  );
}
