import type uPlot from 'uplot';
import type { XMode } from '../api.js';
import { formatCompact, formatElapsed, formatTicks, formatTimeTicks } from '../format.js';
import { themeColors, withAlpha } from '../theme.js';
import { xScaleRange } from './x-range.js';

/** What a chart draws for each line: its colour, and whether a smoothed copy goes over it. */
export interface PlotLine {
  label: string;
  color: string;
  dashed?: boolean;
}

/** The role of each uPlot series after x: per line `value`, `min`, `max`, then `smooth` when smoothing. */
export type SeriesRole = 'value' | 'min' | 'max' | 'smooth';

/** The columns each line takes in the chart's data, in order. */
export function lineRoles(smoothing: boolean): SeriesRole[] {
  return smoothing ? ['value', 'min', 'max', 'smooth'] : ['value', 'min', 'max'];
}

/** Tick steps for byte axes: round numbers of KiB, MiB, GiB..., so ticks read 0.25 GiB, 0.5 GiB. */
const byteIncrs = [0, 1, 2, 3, 4, 5]
  .flatMap((k) => [0.1, 0.2, 0.25, 0.5, 1, 2, 2.5, 5, 10, 20, 25, 50, 100, 200, 250, 500].map((m) => m * 1024 ** k))
  .filter((v) => v >= 1);
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
  syncKey: string;
  zoomRange: () => [number, number] | null;
  hooks: uPlot.Hooks.Arrays;
  onDoubleClick: () => void;
}): uPlot.Options {
  const roles = lineRoles(args.smoothing);
  const series: uPlot.Series[] = [{}];
  const bands: uPlot.Band[] = [];
  // Series index → the line's solid colour, for the series that get a dot under the cursor.
  const pointColors = new Map<number, string>();
  args.lines.forEach((line, i) => {
    const base = 1 + i * roles.length;
    for (const [offset, role] of roles.entries()) {
      const index = base + offset;
      if (role === 'value') {
        series.push({
          label: line.label,
          stroke: args.smoothing ? withAlpha(line.color, 0.28) : line.color,
          width: args.smoothing ? 1 : 1.6,
          ...(line.dashed ? { dash: [5, 4] } : {}),
          spanGaps: true,
          // uPlot draws the points themselves only when they are far apart: a lone point stays visible.
          points: { size: 5, fill: line.color, stroke: line.color },
        });
        if (!args.smoothing) pointColors.set(index, line.color);
      } else if (role === 'smooth') {
        series.push({ label: `${line.label} (smoothed)`, stroke: line.color, width: 2, spanGaps: true, points: { show: false } });
        pointColors.set(index, line.color);
      } else {
        // The band's edges get a hairline of their own: a one-bucket spike is too thin for the fill alone to show.
        series.push({ label: `${line.label} ${role}`, stroke: withAlpha(line.color, 0.35), width: 1, spanGaps: true, points: { show: false } });
      }
    }
    bands.push({ series: [base + 2, base + 1], fill: withAlpha(line.color, args.smoothing ? 0.1 : 0.16) });
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
      ? (_u, splits) => splits.map(formatElapsed)
      : args.xMode === 'time'
        ? (_u, splits, _axis, _space, step) => formatTimeTicks(splits, step)
        : (_u, splits) => splits.map(formatCompact);
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
      y: {
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
        ...(args.xMode === 'relative' ? { incrs: elapsedIncrs } : args.xMode === 'time' ? { incrs: timeIncrs } : {}),
      },
      {
        ...axisCommon,
        space: 28,
        size: yAxisSize,
        values: (_u, splits) => formatTicks(splits, args.unit),
        ...(args.unit === 'bytes' || args.unit === 'bytes_per_s' ? { incrs: byteIncrs } : {}),
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
