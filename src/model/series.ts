/** What produced a series: parsed from output, sampled from the machine or the job, a GPU, or a FLOPs count. */
export type SeriesKind = 'training' | 'system' | 'job' | 'gpu' | 'flops';

export const seriesKinds: readonly SeriesKind[] = ['training', 'system', 'job', 'gpu', 'flops'];

/** A series is a name plus labels. Two points belong to the same series when all of these match. */
export interface SeriesKey {
  name: string;
  kind: SeriesKind;
  /** prov4ml's context: training, validation, testing, evaluation, or a user string. */
  context?: string;
  rank?: number;
  node?: string;
  device?: string;
  /**
   * The unit the values are in, as printed or measured (`ms`, `%`, `GiB`, `bytes`): shown beside the values, never
   * part of the series' identity (not in seriesKeyString). The first point of a series sets it.
   */
  unit?: string;
}

/** A series as stored, with the summary kept up to date on every write (so `show` never scans points). */
export interface SeriesSummary extends SeriesKey {
  id: number;
  runId: string;
  count: number;
  /** Smallest and largest value that is not NaN; null when every value is NaN. */
  min: number | null;
  max: number | null;
  /** The last value written; may be NaN or ±Infinity. */
  last: number;
  firstTime: number;
  lastTime: number;
  firstStep?: number;
  lastStep?: number;
  firstEpoch?: number;
  lastEpoch?: number;
}

/** A canonical string for a series key, stable across processes: `name|kind|context|rank|node|device`. */
export function seriesKeyString(key: SeriesKey): string {
  const sep = '\u001f';
  return `${key.name}${sep}${key.kind}${sep}${key.context ?? ''}${sep}${key.rank ?? ''}${sep}${key.node ?? ''}${sep}${key.device ?? ''}`;
}

/** The kind a sampled series name implies: `system/...`, `job/...`, `gpu/...`, else training. */
export function kindFromName(name: string): SeriesKind {
  const slash = name.indexOf('/');
  if (slash > 0) {
    const head = name.slice(0, slash);
    if (head === 'system' || head === 'job' || head === 'gpu' || head === 'flops') return head;
  }
  return 'training';
}

/** A short label for a series in lists and legends: the name, then the labels that set it apart. */
export function seriesLabel(key: SeriesKey): string {
  const parts: string[] = [];
  if (key.rank !== undefined) parts.push(`rank ${key.rank}`);
  if (key.node) parts.push(key.node);
  if (key.device) parts.push(key.device);
  return parts.length > 0 ? `${key.name} (${parts.join(', ')})` : key.name;
}
