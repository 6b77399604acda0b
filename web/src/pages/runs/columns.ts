import {
  displayedCommand,
  type Field,
  type FieldSchema,
  fieldName,
  fieldValue,
  keyMetricKeys,
  paramsDiff,
  paramText,
  resolveField,
  shortCommand,
} from '../../../../src/model/run-query/index.js';
import { statusBadge } from '../../components/status.js';
import { h } from '../../dom.js';
import { formatAgo, formatDateTime, formatDuration, formatNumber } from '../../format.js';
import { href } from '../../router.js';
import type { TableRun } from './records.js';

/** A column of the runs table: what it reads, its header, width, and how a cell shows a run. */
export interface Column {
  /** The name that selects it (`lr`, `val_loss.min`, `started`), as in the URL and `runmeter ls --columns`. */
  id: string;
  field: Field;
  label: string;
  width: number;
  numeric: boolean;
  cell(run: TableRun, now: number): HTMLElement;
}

const runColumns: Record<string, { label: string; width: number }> = {
  status: { label: 'Status', width: 112 },
  name: { label: 'Name', width: 220 },
  id: { label: 'Id', width: 96 },
  command: { label: 'Command', width: 230 },
  project: { label: 'Project', width: 120 },
  host: { label: 'Host', width: 120 },
  user: { label: 'User', width: 90 },
  started: { label: 'Started', width: 104 },
  duration: { label: 'Duration', width: 92 },
  tags: { label: 'Tags', width: 160 },
  note: { label: 'Note', width: 200 },
};

/** The run fields a user can add as columns, in the picker's order. */
export const runColumnIds = Object.keys(runColumns);

const text = (value: string, className = '', title?: string) => h('div', { class: `cell ${className}`.trim(), ...(title ? { title } : {}) }, value);

function runCell(key: string, run: TableRun, now: number): HTMLElement {
  switch (key) {
    case 'status':
      return h('div', { class: 'cell' }, statusBadge(run.status));
    case 'name':
      return h(
        'div',
        { class: 'cell cell-name' },
        h('a', { class: 'run-name', href: href({ page: 'run', runId: run.id, tab: 'charts' }), title: run.name }, run.name),
        h('span', { class: 'run-id' }, run.id),
      );
    case 'command':
      return h('div', { class: 'cell cell-command', title: displayedCommand(run.command) }, h('code', {}, shortCommand(run.command)));
    case 'started':
      return text(formatAgo(run.startTime, now), 'cell-muted', formatDateTime(run.startTime));
    case 'duration':
      return text(formatDuration(run.status === 'running' ? now - run.startTime : run.durationMs), 'cell-num');
    case 'tags':
      return h('div', { class: 'cell cell-tags' }, ...run.tags.map((tag) => h('span', { class: 'tag' }, tag)));
    case 'note':
      return text((run.note ?? '').split('\n')[0] ?? '', 'cell-muted', run.note);
    default: {
      const value = fieldValue(run, { kind: 'run', key: key as 'id' });
      return text(typeof value === 'string' ? value : '', 'cell-muted');
    }
  }
}

/** The column a name selects, or undefined when no run has it. */
export function column(id: string, schema: FieldSchema): Column | undefined {
  let field: Field;
  try {
    field = resolveField(id, schema);
  } catch {
    return undefined;
  }
  const name = fieldName(field, schema);
  if (field.kind === 'run') {
    const key = field.key;
    const spec = runColumns[key] ?? { label: key, width: 120 };
    return { id: name, field, label: spec.label, width: spec.width, numeric: key === 'duration', cell: (run, now) => runCell(key, run, now) };
  }
  if (field.kind === 'param') {
    const param = field;
    return {
      id: name,
      field,
      label: param.name,
      width: 100,
      numeric: false,
      cell: (run) => {
        const has = Object.hasOwn(run.params, param.name);
        return text(has ? paramText(run.params[param.name]) : '—', has ? 'cell-param' : 'cell-missing', param.name);
      },
    };
  }
  const metric = field;
  return {
    id: name,
    field,
    label: metric.aggregate === 'last' ? metric.key : `${metric.key} ${metric.aggregate}`,
    width: 108,
    numeric: true,
    cell: (run) => {
      const stat = run.metrics.find((m) => m.key === metric.key);
      if (stat === undefined) return text('—', 'cell-missing cell-num');
      const value = metric.aggregate === 'last' ? stat.last : (stat[metric.aggregate] ?? Number.NaN);
      const title = `${metric.key}: last ${formatNumber(stat.last)}, min ${formatNumber(stat.min ?? Number.NaN)}, max ${formatNumber(stat.max ?? Number.NaN)} (${stat.count} points)`;
      return text(formatNumber(value), 'cell-num cell-metric', title);
    },
  };
}

/**
 * The columns shown when the user chose none: status, name, command, start, duration and tags; the params that differ
 * between the runs (a sweep's), up to four; the project when several show; the key metrics `runmeter ls` shows too.
 */
export function defaultColumnIds(runs: readonly TableRun[], schema: FieldSchema): string[] {
  const ids = ['status', 'name', 'command', 'started', 'duration'];
  if (new Set(runs.map((r) => r.project ?? '')).size > 1) ids.push('project');
  ids.push('tags');
  for (const param of paramsDiff(runs).differing.slice(0, 4)) ids.push(fieldName({ kind: 'param', name: param }, schema));
  for (const key of keyMetricKeys(runs)) ids.push(fieldName({ kind: 'metric', key, aggregate: 'last' }, schema));
  return ids;
}
