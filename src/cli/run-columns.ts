import { formatDuration, formatValue } from '../model/format.js';
import { type Field, fieldName, fieldValue, paramText, type RunRecord } from '../model/run-query/index.js';
import { formatTime, truncate } from './table.js';

/** A column's header: the name that selects it, upper-cased for run fields as the default table writes them. */
export function columnHeader(field: Field): string {
  return field.kind === 'run' ? field.key.toUpperCase() : fieldName(field);
}

/** A run's value in a column, for the terminal. */
export function columnText(record: RunRecord, field: Field): string {
  const value = fieldValue(record, field);
  if (field.kind === 'metric') return typeof value === 'number' ? formatValue(value) : '-';
  if (field.kind === 'param') return value === undefined ? '-' : paramText(value as string | number | boolean | null);
  switch (field.key) {
    case 'started':
      return formatTime(record.startTime);
    case 'duration':
      return formatDuration(record.durationMs);
    case 'tags':
      return record.tags.join(',');
    case 'name':
      return truncate(record.name, 28);
    case 'command':
      return truncate(String(value), 48);
    case 'note':
      return truncate((record.note ?? '').split('\n')[0] ?? '', 32);
    default:
      return value === undefined ? '-' : String(value);
  }
}

/** Whether a column holds numbers, to align it right. */
export function isNumericColumn(field: Field): boolean {
  return field.kind === 'metric' || (field.kind === 'run' && field.key === 'duration');
}
