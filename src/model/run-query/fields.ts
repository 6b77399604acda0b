// The names columns, sorts and filters use for what a run has: its own fields, its params, its metrics' stats.
import { closestMatches } from '../text.js';
import { findMetric, type RunRecord } from './record.js';

/** A run's own fields, by the name users type. */
export const runFields = ['id', 'name', 'status', 'project', 'host', 'user', 'command', 'started', 'duration', 'tags', 'note'] as const;
export type RunField = (typeof runFields)[number];

export type MetricAggregate = 'last' | 'min' | 'max';
export const metricAggregates: readonly MetricAggregate[] = ['last', 'min', 'max'];

/** What a column, sort key or filter term reads. */
export type Field = { kind: 'run'; key: RunField } | { kind: 'param'; name: string } | { kind: 'metric'; key: string; aggregate: MetricAggregate };

/** The params and metric keys some run has, for resolving names. */
export interface FieldSchema {
  params: ReadonlySet<string>;
  metrics: ReadonlySet<string>;
}

/** The schema of some runs: every param and metric key any of them has. */
export function schemaOf(records: readonly Pick<RunRecord, 'params' | 'metrics'>[]): FieldSchema {
  const params = new Set<string>();
  const metrics = new Set<string>();
  for (const record of records) {
    for (const key of Object.keys(record.params)) params.add(key);
    for (const metric of record.metrics) metrics.add(metric.key);
  }
  return { params, metrics };
}

const aliases: Record<string, RunField> = { tag: 'tags', start: 'started', cmd: 'command' };

/** A field name that is not known: says which names are, nearest first. */
export class UnknownFieldError extends Error {
  constructor(
    readonly fieldName: string,
    readonly suggestions: string[],
  ) {
    super(
      `unknown field "${fieldName}"${suggestions.length > 0 ? `; did you mean ${suggestions.join(', ')}?` : ''} (a param, a metric as loss, loss.min or loss.max, or one of ${runFields.join(', ')})`,
    );
  }
}

/**
 * Resolves a name: a run field (`name`, `status`, `tag`...), `params.X`, `metrics.X[.min|.max|.last]`, else a param
 * (params first: `lr` is the learning rate even when a metric is called lr too), a metric, or `metric.min|max|last`.
 */
export function resolveField(text: string, schema: FieldSchema): Field {
  const lower = text.toLowerCase();
  const runKey = (runFields as readonly string[]).includes(lower) ? (lower as RunField) : aliases[lower];
  if (runKey !== undefined) return { kind: 'run', key: runKey };
  const explicitParam = /^params?\.(.+)$/.exec(text);
  if (explicitParam && schema.params.has(explicitParam[1] as string)) return { kind: 'param', name: explicitParam[1] as string };
  const explicitMetric = /^metrics?\.(.+)$/.exec(text);
  const metricText = explicitMetric ? (explicitMetric[1] as string) : text;
  if (!explicitMetric && schema.params.has(text)) return { kind: 'param', name: text };
  if (schema.metrics.has(metricText)) return { kind: 'metric', key: metricText, aggregate: 'last' };
  const aggregated = /^(.+)\.(last|min|max)$/.exec(metricText);
  if (aggregated && schema.metrics.has(aggregated[1] as string)) {
    return { kind: 'metric', key: aggregated[1] as string, aggregate: aggregated[2] as MetricAggregate };
  }
  const known = [...runFields, ...schema.params, ...schema.metrics];
  throw new UnknownFieldError(text, closestMatches(text, known));
}

/** The name that resolves back to a field, as columns and sort keys are written. */
export function fieldName(field: Field, schema?: FieldSchema): string {
  if (field.kind === 'run') return field.key;
  if (field.kind === 'param') {
    const shadowed = (runFields as readonly string[]).includes(field.name.toLowerCase()) || field.name.toLowerCase() in aliases;
    return shadowed ? `params.${field.name}` : field.name;
  }
  const shadowedByParam = schema?.params.has(field.key) ?? false;
  const base = shadowedByParam || (runFields as readonly string[]).includes(field.key.toLowerCase()) ? `metrics.${field.key}` : field.key;
  return field.aggregate === 'last' ? base : `${base}.${field.aggregate}`;
}

/** A field's value for a run: a number, text, a list of tags, or undefined when the run has none. */
export function fieldValue(record: RunRecord, field: Field): number | string | boolean | null | readonly string[] | undefined {
  if (field.kind === 'param') return Object.hasOwn(record.params, field.name) ? record.params[field.name] : undefined;
  if (field.kind === 'metric') {
    const metric = findMetric(record, field.key);
    if (metric === undefined) return undefined;
    return field.aggregate === 'last' ? metric.last : (metric[field.aggregate] ?? Number.NaN);
  }
  switch (field.key) {
    case 'started':
      return record.startTime;
    case 'duration':
      return record.durationMs;
    case 'tags':
      return record.tags;
    case 'command':
      return displayedCommand(record.command);
    case 'project':
      return record.project;
    case 'note':
      return record.note;
    default:
      return record[field.key];
  }
}

/** A command line as one string, quoting arguments that need it (as every list shows it). */
export function displayedCommand(command: readonly string[]): string {
  return command.map((arg) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/** The command without the program's folder (`python train.py`), as the runs table shows it. */
export function shortCommand(command: readonly string[]): string {
  return displayedCommand([(command[0] ?? '').split('/').pop() ?? '', ...command.slice(1)]);
}
