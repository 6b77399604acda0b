import type { RunResponse } from '../api.js';
import { h } from '../dom.js';
import { formatDateTime, formatUnit } from '../format.js';

function paramValue(value: unknown): string {
  if (typeof value === 'string') return value;
  return JSON.stringify(value) ?? String(value);
}

/** Flattens nested params to dotted keys: {optimizer: {lr: 0.1}} → optimizer.lr. */
function flatten(params: Record<string, unknown>, prefix = ''): Array<[string, string]> {
  const rows: Array<[string, string]> = [];
  for (const [key, value] of Object.entries(params)) {
    const name = prefix === '' ? key : `${prefix}.${key}`;
    if (value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length > 0)
      rows.push(...flatten(value as Record<string, unknown>, name));
    else rows.push([name, paramValue(value)]);
  }
  return rows;
}

function card(title: string, ...content: Array<HTMLElement | string>): HTMLElement {
  return h('section', { class: 'card' }, h('h2', { class: 'card-title' }, title), ...content);
}

function keyValueTable(rows: Array<[string, string]>, empty: string): HTMLElement {
  if (rows.length === 0) return h('p', { class: 'muted' }, empty);
  return h('table', { class: 'kv-table' }, h('tbody', {}, ...rows.map(([k, v]) => h('tr', {}, h('th', {}, k), h('td', {}, h('code', {}, v))))));
}

/** The run's params, tags, machine and artifacts. */
export function runOverview(detail: RunResponse): HTMLElement {
  const { run, artifacts } = detail;
  const system = run.system;
  const machine: Array<[string, string]> = system
    ? [
        ['OS', `${system.os} (${system.arch})`],
        ['CPU', `${system.cpuModel ?? 'unknown'} · ${system.cpuCount} cores`],
        ['Memory', formatUnit(system.memoryBytes, 'bytes')],
        ...system.gpus.map((gpu): [string, string] => [
          `GPU ${gpu.index}`,
          `${gpu.name}${gpu.memoryBytes ? ` · ${formatUnit(gpu.memoryBytes, 'bytes')}` : ''}${gpu.driverVersion ? ` · driver ${gpu.driverVersion}` : ''}`,
        ]),
      ]
    : [];
  const info: Array<[string, string]> = [
    ['Run id', run.id],
    ['User', run.user],
    ['Working directory', run.cwd],
    ['Recorded by', `runmeter ${run.version} (${run.source})`],
    ...(run.project ? ([['Project', run.project]] as Array<[string, string]>) : []),
  ];
  return h(
    'div',
    { class: 'overview-grid' },
    card('Params', keyValueTable(flatten(run.params), 'No params recorded.')),
    card(
      'Tags',
      run.tags.length === 0
        ? h('p', { class: 'muted' }, 'No tags.')
        : h('div', { class: 'tag-list' }, ...run.tags.map((tag) => h('span', { class: 'tag' }, tag))),
    ),
    card('Run', keyValueTable(info, '')),
    card('Machine', keyValueTable(machine, 'No machine information recorded.')),
    card(
      'Artifacts',
      artifacts.length === 0
        ? h('p', { class: 'muted' }, 'No artifacts or models logged.')
        : h(
            'table',
            { class: 'data-table' },
            h('thead', {}, h('tr', {}, ...['Name', 'Kind', 'Size', 'Logged', 'SHA-256'].map((t) => h('th', {}, t)))),
            h(
              'tbody',
              {},
              ...artifacts.map((a) =>
                h(
                  'tr',
                  {},
                  h('td', {}, a.name),
                  h('td', {}, a.kind),
                  h('td', {}, formatUnit(a.size, 'bytes')),
                  h('td', {}, formatDateTime(a.time)),
                  h('td', {}, h('code', { title: a.sha256 }, a.sha256.slice(0, 12))),
                ),
              ),
            ),
          ),
    ),
  );
}
