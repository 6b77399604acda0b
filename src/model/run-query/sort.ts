// Sorting runs by any column, and reading the column lists and sort keys users type (`-lr`, `loss.min:asc`).
import { type Field, type FieldSchema, fieldName, fieldValue, resolveField } from './fields.js';
import type { RunRecord } from './record.js';

/** A column to sort by, and which way. */
export interface SortKey {
  field: Field;
  descending: boolean;
}

/** Reads `lr`, `-lr` (descending), `lr:desc` or `lr:asc`. Throws UnknownFieldError for a name no run has. */
export function parseSortKey(text: string, schema: FieldSchema): SortKey {
  let name = text.trim();
  let descending = false;
  if (name.startsWith('-')) {
    descending = true;
    name = name.slice(1);
  }
  const suffix = /^(.+):(asc|desc)$/i.exec(name);
  if (suffix) {
    name = suffix[1] as string;
    descending = (suffix[2] as string).toLowerCase() === 'desc';
  }
  return { field: resolveField(name, schema), descending };
}

/** Writes a sort key back as `-lr` or `lr`. */
export function formatSortKey(key: SortKey, schema?: FieldSchema): string {
  return `${key.descending ? '-' : ''}${fieldName(key.field, schema)}`;
}

/** Reads a comma-separated column list: `name,lr,bs,val_loss.min`. */
export function parseColumns(text: string, schema: FieldSchema): Field[] {
  return text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part) => resolveField(part, schema));
}

/** Numbers first, then text; NaN and missing values always last, whichever the direction. */
function rank(value: unknown): number {
  if (typeof value === 'number') return Number.isNaN(value) ? 2 : 0;
  if (value === undefined || value === null) return 3;
  return 1;
}

function sortable(value: ReturnType<typeof fieldValue>): number | string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' || typeof value === 'string') return value;
  if (typeof value === 'boolean') return String(value);
  return value.length === 0 ? undefined : value.join(', ');
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/** A comparator for runs by one column; ties keep the order they came in (newest first). */
export function compareRuns(key: SortKey): (a: RunRecord, b: RunRecord) => number {
  const sign = key.descending ? -1 : 1;
  return (a, b) => {
    const x = sortable(fieldValue(a, key.field));
    const y = sortable(fieldValue(b, key.field));
    const rx = rank(x);
    const ry = rank(y);
    if (rx !== ry) return rx - ry;
    if (rx === 0) return sign * ((x as number) - (y as number));
    if (rx === 1) return sign * collator.compare(x as string, y as string);
    return 0;
  };
}

/** Runs sorted by a key (a stable sort: equal runs stay newest first). */
export function sortRuns<T extends RunRecord>(records: readonly T[], key: SortKey | undefined): T[] {
  if (key === undefined) return records.slice();
  // Each run's value is read once, not once per comparison: 10,000 runs sort in a few milliseconds.
  const sign = key.descending ? -1 : 1;
  const decorated = records.map((record, index) => {
    const value = sortable(fieldValue(record, key.field));
    return { record, index, value, rank: rank(value) };
  });
  decorated.sort((a, b) => {
    if (a.rank !== b.rank) return a.rank - b.rank;
    if (a.rank === 0) return sign * ((a.value as number) - (b.value as number)) || a.index - b.index;
    if (a.rank === 1) return sign * collator.compare(a.value as string, b.value as string) || a.index - b.index;
    return a.index - b.index;
  });
  return decorated.map((d) => d.record);
}
