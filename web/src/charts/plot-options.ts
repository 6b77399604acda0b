import uPlot from 'uplot';
import type { XMode } from '../api.js';
import { formatCompact, formatElapsed, formatTicks, formatTimeTicks } from '../format.js';
import { themeColors, withAlpha } from '../theme.js';
import { xScaleRange } from './x-range.js';

/** What a chart draws for each line: its colour, and whether a smoothed copy goes over it. */
export interface PlotLine {
  label: string;
  color: string;
  dashed?: boolean;
  /** Hidden from its legend: not drawn, and the y axis fits the others. */
  hidden?: boolean;
}

/** The role of each uPlot series after x: per line `value`, `min`, `max`, then `smooth` when smoothing. */
export type SeriesRole = 'value' | 'min' | 'max' | 'smooth';

/** The columns each line takes in the chart's data, in order. */
export function lineRoles(smoothing: boolean): SeriesRole[] {
  return smoothing ? ['value', 'min', 'max', 'smooth'] : ['value', 'min', 'max'];
}

/** Tick steps for byte axes: powers of two, so ticks read 256 MiB, 0.5 GiB, 4 GiB and never 0.1953 GiB. */
const byteIncrs = Array.from({ length: 61 }, (_, i) => 2 ** i);
/** Tick steps for step and epoch axes whose points all sit at whole numbers: no tick at epoch 1.5. */
const integerIncrs = Array.from({ length: 16 }, (_, i) => [1, 2, 5].map((m) => m * 10 ** i)).flat();
/** Tick steps for wall-clock axes, in seconds. */
const timeIncrs = [
  0.001, 0.01, 0.1, 0.25, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10_800, 21_600, 43_200, 86_400, 172_800, 604_800, 2_592_000,
];
/** Quantities that cannot go below zero: their axis starts at zero, and percentages show at least 0–100. */
const zeroBased = new Set(['percent', 'bytes', 'bytes_per_s', 'watts', 'joules', 'flops', 'count']);

const elapsedIncrs = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10_800, 21_600, 43_200, 86_400, 172_800, 604_800];
const font = '11px system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';

function hoverPoint(): HTMLElement {
  const point = document.createElement('div');
  point.className = 'chart-hover-point';
  return point;
}

/** Labels for ticks that may have gaps (a log axis leaves out crowded ones as null): the gaps get no label. */
function withGaps(splits: ReadonlyArray<number | null>, format: (ticks: number[]) => string[]): string[] {
  const ticks = splits.filter((t): t is number => t !== null && Number.isFinite(t));
  const labels = format(ticks);
  let next = 0;
  return splits.map((t) => (t !== null && Number.isFinite(t) ? (labels[next++] as string) : ''));
}

/** Label width for a y axis, from the longest tick label. */
function yAxisSize(_u: uPlot, values: string[] | null): number {
  if (!values || values.length === 0) return 40;
  const longest = values.reduce((n, v) => Math.max(n, String(v ?? '').length), 0);
  return Math.max(36, Math.ceil(longest * 6.4) + 14);
}

/**
 * uPlot options for a metric chart: one line per series (faint when smoothed), a min/max band under each so that
 * no spike inside a bucket is lost, drag-to-zoom on x, and axes in the series' unit and the chosen x mode.
 */
export function plotOptions(args: {
  width: number;
  height: number;
  xMode: XMode;
  unit: string;
  lines: PlotLine[];
  smoothing: boolean;
  /** A logarithmic y axis (values at or below zero are not drawn). */
  log?: boolean;
  /** The x values are all whole numbers (steps, epochs): the axis ticks only at whole numbers. */
  integerX?: boolean;
  syncKey: string;
  zoomRange: () => [number, number] | null;
  hooks: uPlot.Hooks.Arrays;
  onDoubleClick: () => void;
  /** Told the tick labels each axis drew (0: x, 1: y), which uPlot paints on a canvas where no one can read them. */
  onTicks?: (axis: 0 | 1, labels: string[]) => void;
}): uPlot.Options {
  const told = <T extends string[]>(axis: 0 | 1, labels: T): T => {
    args.onTicks?.(axis, labels);
    return labels;
  };
  const roles = lineRoles(args.smoothing);
  const series: uPlot.Series[] = [{}];
  const bands: uPlot.Band[] = [];
  // Series index → the line's solid colour, for the series that get a dot under the cursor.
  const pointColors = new Map<number, string>();
  args.lines.forEach((line, i) => {
    const base = 1 + i * roles.length;
    const show = !line.hidden;
    for (const [offset, role] of roles.entries()) {
      const index = base + offset;
      if (role === 'value') {
        series.push({
          show,
          label: line.label,
          stroke: args.smoothing ? withAlpha(line.color, 0.28) : line.color,
          width: args.smoothing ? 1 : 1.6,
          ...(line.dashed ? { dash: [5, 4] } : {}),
          spanGaps: true,
          // uPlot draws the points themselves only when they are far apart: a lone point stays visible.
          points: { size: 5, fill: line.color, stroke: line.color },
        });
        if (!args.smoothing && show) pointColors.set(index, line.color);
      } else if (role === 'smooth') {
        series.push({ show, label: `${line.label} (smoothed)`, stroke: line.color, width: 2, spanGaps: true, points: { show: false } });
        if (show) pointColors.set(index, line.color);
      } else {
        // The band's edges get a hairline of their own: a one-bucket spike is too thin for the fill alone to show.
        series.push({ show, label: `${line.label} ${role}`, stroke: withAlpha(line.color, 0.35), width: 1, spanGaps: true, points: { show: false } });
      }
    }
    if (show) bands.push({ series: [base + 2, base + 1], fill: withAlpha(line.color, args.smoothing ? 0.1 : 0.16) });
  });
  const axisCommon = {
    stroke: () => themeColors().axis,
    font,
    grid: { stroke: () => themeColors().grid, width: 1 },
    ticks: { show: false },
    border: { show: false },
  };
  const xValues: uPlot.Axis['values'] =
    args.xMode === 'relative'
      ? (_u, splits) => told(0, splits.map(formatElapsed))
      : args.xMode === 'time'
        ? (_u, splits, _axis, _space, step) => told(0, formatTimeTicks(splits, step))
        : (_u, splits) => told(0, splits.map(formatCompact));
  return {
    width: args.width,
    height: args.height,
    legend: { show: false },
    // Room on the right for half of the last x label (`16:23:10`), which uPlot centres on its tick.
    padding: [10, 24, 0, 0],
    series,
    bands,
    scales: {
      x: {
        time: args.xMode === 'time',
        range: (u, min, max) => xScaleRange(u.data[0] ?? [], min, max, { time: args.xMode === 'time', zoom: args.zoomRange() }),
      },
      y: args.log
        ? {
            distr: 3,
            log: 10,
            range: (_u, min, max) => (min === null || max === null || !(min > 0) ? [1, 10] : uPlot.rangeLog(min, max, 10, true)),
          }
        : {
            range: (_u, min, max) => {
              if (min === null || max === null || !Number.isFinite(min)) return [0, 1];
              if (zeroBased.has(args.unit) && min >= 0) return [0, args.unit === 'percent' ? Math.max(100, max * 1.05) : max * 1.08 || 1];
              const pad = (max - min) * 0.06 || Math.abs(max) * 0.1 || 1;
              const low = min >= 0 && min - pad < 0 ? 0 : min - pad;
              return [low, max + pad];
            },
          },
    },
    axes: [
      {
        ...axisCommon,
        space: 70,
        size: 28,
        values: xValues,
        ...(args.xMode === 'relative' ? { incrs: elapsedIncrs } : args.xMode === 'time' ? { incrs: timeIncrs } : args.integerX ? { incrs: integerIncrs } : {}),
      },
      {
        ...axisCommon,
        space: 28,
        size: yAxisSize,
        values: (_u, splits) =>
          told(
            1,
            withGaps(splits, (ticks) => formatTicks(ticks, args.unit)),
          ),
        ...(!args.log && (args.unit === 'bytes' || args.unit === 'bytes_per_s') ? { incrs: byteIncrs } : {}),
      },
    ],
    cursor: {
      drag: { x: true, y: false, setScale: false },
      sync: { key: args.syncKey, setSeries: false },
      points: {
        show: ((_u: uPlot, i: number) => (pointColors.has(i) ? hoverPoint() : undefined)) as uPlot.Cursor.Points.Show,
        size: 10,
        width: 2,
        fill: (_u, i) => pointColors.get(i) ?? 'transparent',
        stroke: () => themeColors().surface,
      },
      bind: {
        dblclick: () => () => {
          args.onDoubleClick();
          return null;
        },
      },
    },
    select: { show: true, left: 0, top: 0, width: 0, height: 0 },
    hooks: args.hooks,
  };
}
