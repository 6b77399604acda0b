// The x range a chart shows. uPlot's own guess is poor for a lone x on a time axis: it spans 86,400 / ms seconds
// from the point (1,000 days with x in seconds), which leaves the point at the left edge and no tick that fits.

/** Seconds either side of a lone point on a wall-clock axis. */
const LONE_TIME_PAD = 30;

/** The x range to draw: the zoom when zoomed, a window centred on a lone time, else uPlot's range (padded if empty). */
export function xScaleRange(
  xs: ArrayLike<number | null | undefined>,
  min: number,
  max: number,
  options: { time: boolean; zoom: [number, number] | null },
): [number, number] {
  if (options.zoom) return options.zoom;
  const first = xs[0];
  if (options.time && typeof first === 'number' && first === xs[xs.length - 1]) return [first - LONE_TIME_PAD, first + LONE_TIME_PAD];
  return min === max ? [min - 1, max + 1] : [min, max];
}
