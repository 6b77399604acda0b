// Grouping compared runs by a param or a tag, and the mean and min–max of each group at each step. Pure: no DOM.
import type { CompareResponse } from '../../api.js';

/** Runs that share a param value (or a tag, or its absence): drawn as one mean line with a min–max band. */
export interface RunGroup {
  label: string;
  /** Indexes into the comparison's runs. */
  runs: number[];
}

const paramValueText = (value: unknown) => (value === null || value === undefined ? '—' : typeof value === 'string' ? value : String(value));

/** The choices a group-by offers: the params (those that differ first) and the tags some runs have and others not. */
export function groupChoices(comparison: CompareResponse): Array<{ key: string; text: string }> {
  const { differing, same } = comparison.params;
  const tags = [...new Set(comparison.runs.flatMap((r) => r.tags))].sort((a, b) => a.localeCompare(b));
  const splitting = tags.filter((tag) => !comparison.runs.every((r) => r.tags.includes(tag)));
  return [
    ...differing.map((name) => ({ key: `param:${name}`, text: name })),
    ...splitting.map((tag) => ({ key: `tag:${tag}`, text: `tag ${tag}` })),
    ...same.map((name) => ({ key: `param:${name}`, text: `${name} (same in all)` })),
  ];
}

/** Splits the runs by `param:NAME` (one group per value, numbers in order) or `tag:NAME` (with it, without it). */
export function groupRuns(comparison: CompareResponse, key: string): RunGroup[] {
  if (key.startsWith('tag:')) {
    const tag = key.slice(4);
    const withTag = comparison.runs.flatMap((r, i) => (r.tags.includes(tag) ? [i] : []));
    const without = comparison.runs.flatMap((r, i) => (r.tags.includes(tag) ? [] : [i]));
    return [
      { label: `tag ${tag}`, runs: withTag },
      { label: `not tag ${tag}`, runs: without },
    ].filter((g) => g.runs.length > 0);
  }
  const name = key.slice(6);
  const values = comparison.params.values[name] ?? comparison.runs.map(() => null);
  const byValue = new Map<string, { value: unknown; runs: number[] }>();
  values.forEach((value, i) => {
    const id = JSON.stringify(value);
    const group = byValue.get(id) ?? { value, runs: [] };
    group.runs.push(i);
    byValue.set(id, group);
  });
  // Numbers in order, then text, then the runs without the param.
  const rank = (v: unknown) => (typeof v === 'number' ? 0 : v === null || v === undefined ? 2 : 1);
  const ordered = [...byValue.values()].sort(
    (a, b) =>
      rank(a.value) - rank(b.value) ||
      (typeof a.value === 'number' && typeof b.value === 'number' ? a.value - b.value : paramValueText(a.value).localeCompare(paramValueText(b.value))),
  );
  return ordered.map((g) => ({ label: `${name}=${paramValueText(g.value)}`, runs: g.runs }));
}

/** One run's points of a metric: x (step) ascending, values (NaN where not a number). */
export interface RunPoints {
  xs: ArrayLike<number>;
  values: ArrayLike<number>;
}

/** Each group's mean, min, max and run count at each x; null where none of its runs covers that x. */
export interface GroupSeries {
  xs: number[];
  groups: Array<{ mean: Array<number | null>; min: Array<number | null>; max: Array<number | null>; count: number[] }>;
}

/**
 * A run's value at x: its own point there, else interpolated between its neighbours; undefined outside its first
 * to last x (a run that stopped early does not pull the mean after it stopped) or next to a NaN.
 */
function valueAt(points: RunPoints, x: number, from: number): { value: number | undefined; at: number } {
  const { xs, values } = points;
  let i = from;
  while (i < xs.length && (xs[i] as number) < x) i++;
  if (i >= xs.length) return { value: undefined, at: i };
  const right = xs[i] as number;
  if (right === x) return { value: finite(values[i] as number), at: i };
  if (i === 0) return { value: undefined, at: i };
  const left = xs[i - 1] as number;
  const a = values[i - 1] as number;
  const b = values[i] as number;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return { value: undefined, at: i };
  return { value: a + ((b - a) * (x - left)) / (right - left), at: i };
}

const finite = (v: number) => (Number.isFinite(v) ? v : undefined);

/**
 * Aligns runs on x (their steps) and summarises each group at every x any run has: the mean of the runs that cover
 * it, and their min and max (the band).
 */
export function groupSeries(groups: readonly RunGroup[], points: ReadonlyArray<RunPoints | undefined>): GroupSeries {
  const all = new Set<number>();
  for (const p of points) if (p) for (let i = 0; i < p.xs.length; i++) all.add(p.xs[i] as number);
  const xs = [...all].sort((a, b) => a - b);
  const cursors = points.map(() => 0);
  const columns = groups.map(() => ({
    mean: [] as Array<number | null>,
    min: [] as Array<number | null>,
    max: [] as Array<number | null>,
    count: [] as number[],
  }));
  for (const x of xs) {
    groups.forEach((group, g) => {
      let sum = 0;
      let n = 0;
      let low = Number.POSITIVE_INFINITY;
      let high = Number.NEGATIVE_INFINITY;
      for (const run of group.runs) {
        const p = points[run];
        if (!p) continue;
        const { value, at } = valueAt(p, x, cursors[run] as number);
        cursors[run] = Math.max(0, at - 1);
        if (value === undefined) continue;
        sum += value;
        n++;
        low = Math.min(low, value);
        high = Math.max(high, value);
      }
      const column = columns[g] as GroupSeries['groups'][number];
      column.mean.push(n === 0 ? null : sum / n);
      column.min.push(n === 0 ? null : low);
      column.max.push(n === 0 ? null : high);
      column.count.push(n);
    });
  }
  return { xs, groups: columns };
}
