// What sets compared runs apart: the params whose values differ, and labels that name runs by them.
import type { ParamValue, RunRecord } from './record.js';

/** A param's value as text for diffs and labels: strings bare, the rest as JSON would write them. */
export function paramText(value: ParamValue | undefined): string {
  if (value === undefined) return '—';
  return typeof value === 'string' ? value : String(value);
}

/** Params of some runs split into those whose values differ between them (or that some lack) and those all share. */
export function paramsDiff(records: readonly Pick<RunRecord, 'params'>[]): { differing: string[]; same: string[] } {
  const names = new Set<string>();
  for (const record of records) for (const name of Object.keys(record.params)) names.add(name);
  const differing: string[] = [];
  const same: string[] = [];
  for (const name of [...names].sort((a, b) => a.localeCompare(b))) {
    const values = new Set(records.map((r) => (Object.hasOwn(r.params, name) ? JSON.stringify(r.params[name]) : undefined)));
    (values.size > 1 ? differing : same).push(name);
  }
  return { differing, same };
}

/**
 * A label per run naming what sets it apart: `lr=0.1, bs=64` (up to `limit` differing params); the run's name when
 * no param differs; the name (or id) added where two labels would still be the same.
 */
export function differenceLabels(records: readonly Pick<RunRecord, 'id' | 'name' | 'params'>[], limit = 3): string[] {
  const { differing } = paramsDiff(records);
  const shown = differing.slice(0, limit);
  const labels = records.map((r) =>
    shown.length === 0 ? r.name : shown.map((name) => `${name}=${paramText(Object.hasOwn(r.params, name) ? r.params[name] : undefined)}`).join(', '),
  );
  const counts = new Map<string, number>();
  for (const label of labels) counts.set(label, (counts.get(label) ?? 0) + 1);
  const names = new Map<string, number>();
  for (const r of records) names.set(r.name, (names.get(r.name) ?? 0) + 1);
  return labels.map((label, i) => {
    if ((counts.get(label) ?? 0) < 2) return label;
    const record = records[i] as Pick<RunRecord, 'id' | 'name'>;
    const suffix = (names.get(record.name) ?? 0) > 1 || label === record.name ? record.id : record.name;
    return label === record.name ? `${label} · ${record.id}` : `${label} · ${suffix}`;
  });
}
