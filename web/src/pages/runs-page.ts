import { api, type RunStatus, type RunView } from '../api.js';
import { searchBox, segmented } from '../components/controls.js';
import { statusBadge, updateStatusBadge } from '../components/status.js';
import { h, icon, replaceChildren, setText } from '../dom.js';
import { decodeValue, formatAgo, formatCommand, formatDateTime, formatDuration, formatNumber } from '../format.js';
import { connectLive } from '../live.js';
import type { Page } from '../page.js';
import { href } from '../router.js';

type StatusFilter = 'all' | RunStatus;
const statusChoices: ReadonlyArray<readonly [StatusFilter, string]> = [
  ['all', 'All'],
  ['running', 'Running'],
  ['succeeded', 'Succeeded'],
  ['failed', 'Failed'],
  ['killed', 'Killed'],
  ['lost', 'Lost'],
];

interface Row {
  run: RunView;
  element: HTMLTableRowElement;
  badge: HTMLElement;
  duration: HTMLElement;
  started: HTMLElement;
  metrics: HTMLElement;
}

function metricChips(run: RunView): HTMLElement[] {
  return run.metrics.map((metric) =>
    h(
      'span',
      { class: 'metric-chip', title: `${metric.name}: last value` },
      h('span', { class: 'metric-name' }, metric.name),
      formatNumber(decodeValue(metric.last)),
    ),
  );
}

/** The runs list: newest first, filtered by status and text, with live status, duration and last metric values. */
export function runsPage(): Page {
  let statusFilter: StatusFilter = 'all';
  let text = '';
  const selected = new Set<string>();
  const rows = new Map<string, Row>();
  const tbody = h('tbody');
  const count = h('span', { class: 'page-count' });
  const body = h('div', { class: 'table-wrap' });
  const compareLabel = h('span', {}, 'Compare');
  const compareButton = h(
    'button',
    { type: 'button', class: 'button button-primary', disabled: true, title: 'Select two or more runs to compare', onclick: () => openCompare() },
    icon('compare', 14),
    compareLabel,
  );

  function openCompare(): void {
    if (selected.size > 0) location.hash = href({ page: 'compare', runIds: [...selected] });
  }

  function updateSelection(): void {
    compareButton.disabled = selected.size < 2;
    setText(compareLabel, selected.size >= 2 ? `Compare ${selected.size} runs` : 'Compare');
  }

  function buildRow(run: RunView): Row {
    const checkbox = h('input', { type: 'checkbox', 'aria-label': `Select ${run.name} to compare`, checked: selected.has(run.id) });
    checkbox.addEventListener('change', () => {
      if (checkbox.checked) selected.add(run.id);
      else selected.delete(run.id);
      element.classList.toggle('selected', checkbox.checked);
      updateSelection();
    });
    const badge = statusBadge(run.status);
    const duration = h('td', { class: 'cell-num' }, formatDuration(run.durationMs));
    const started = h('td', { class: 'cell-muted', title: formatDateTime(run.startTime) }, formatAgo(run.startTime));
    const metrics = h('div', { class: 'metric-chips' }, ...metricChips(run));
    const command = formatCommand(run.command);
    // The list shows the program's name without its folder (`python train.py`); the tooltip has it all.
    const shortCommand = formatCommand([(run.command[0] ?? '').split('/').pop() ?? '', ...run.command.slice(1)]);
    const element = h(
      'tr',
      { class: 'run-row', 'data-run-id': run.id },
      h('td', { class: 'cell-select' }, checkbox),
      h('td', {}, badge),
      h(
        'td',
        { class: 'cell-name' },
        h('a', { class: 'run-name', href: href({ page: 'run', runId: run.id, tab: 'charts' }) }, run.name),
        h('span', { class: 'run-id' }, run.id),
      ),
      h('td', { class: 'cell-command', title: command }, h('code', {}, shortCommand)),
      h('td', { class: 'cell-muted' }, run.host),
      started,
      duration,
      h('td', { class: 'cell-metrics' }, metrics),
    );
    element.classList.toggle('selected', selected.has(run.id));
    element.addEventListener('click', (event) => {
      const target = event.target as HTMLElement;
      if (target.closest('a, input, button')) return;
      location.hash = href({ page: 'run', runId: run.id, tab: 'charts' });
    });
    return { run, element, badge, duration, started, metrics };
  }

  function updateRow(row: Row, run: RunView): void {
    row.run = run;
    updateStatusBadge(row.badge, run.status);
    setText(row.duration, formatDuration(run.durationMs));
    replaceChildren(row.metrics, ...metricChips(run));
  }

  let loadToken = 0;
  async function load(): Promise<void> {
    const token = ++loadToken;
    try {
      const { runs } = await api.runs({ status: statusFilter === 'all' ? undefined : statusFilter, text: text || undefined, limit: 500 });
      if (token !== loadToken) return;
      rows.clear();
      for (const run of runs) rows.set(run.id, buildRow(run));
      replaceChildren(tbody, ...[...rows.values()].map((r) => r.element));
      setText(count, runs.length === 500 ? 'latest 500' : `${runs.length} ${runs.length === 1 ? 'run' : 'runs'}`);
      if (runs.length === 0) replaceChildren(body, emptyState(statusFilter !== 'all' || text !== ''));
      else replaceChildren(body, table);
    } catch (error) {
      replaceChildren(body, h('div', { class: 'empty-state error' }, `Could not load runs: ${(error as Error).message}`));
    }
  }

  const table = h(
    'table',
    { class: 'runs-table' },
    h(
      'thead',
      {},
      h('tr', {}, h('th', { class: 'cell-select' }), ...['Status', 'Name', 'Command', 'Host', 'Started', 'Duration', 'Metrics'].map((t) => h('th', {}, t))),
    ),
    tbody,
  );

  let reloadTimer: number | undefined;
  const live = connectLive([], {
    event(event) {
      if (event.type !== 'run') return;
      const row = rows.get(event.run.id);
      if (row) updateRow(row, event.run);
      else if (reloadTimer === undefined) {
        // A new run: read the list again, once, even while its events keep coming.
        reloadTimer = window.setTimeout(() => {
          reloadTimer = undefined;
          void load();
        }, 150);
      }
    },
    // Runs created before the stream opened came as no event: read the list again once it is open.
    connected: () => void load(),
    resync: () => void load(),
  });
  // Running runs' durations and every "3 min ago" move on by themselves.
  const ticker = window.setInterval(() => {
    const now = Date.now();
    for (const row of rows.values()) {
      if (row.run.status === 'running') setText(row.duration, formatDuration(now - row.run.startTime));
      setText(row.started, formatAgo(row.run.startTime, now));
    }
  }, 1000);

  const element = h(
    'div',
    { class: 'page runs-page' },
    h('div', { class: 'page-header' }, h('h1', {}, 'Runs'), count),
    h(
      'div',
      { class: 'list-toolbar' },
      searchBox({
        placeholder: 'Search runs',
        onInput: (value) => {
          text = value.trim();
          void load();
        },
      }),
      segmented({
        label: 'Status',
        choices: statusChoices,
        value: statusFilter,
        onChange: (value) => {
          statusFilter = value;
          void load();
        },
      }),
      h('div', { class: 'toolbar-spacer' }),
      compareButton,
    ),
    body,
  );
  document.title = 'Runs · runmeter';
  void load();
  return {
    element,
    destroy() {
      live.close();
      clearInterval(ticker);
      clearTimeout(reloadTimer);
    },
  };
}

function emptyState(filtered: boolean): HTMLElement {
  if (filtered) return h('div', { class: 'empty-state' }, h('h2', {}, 'No matching runs'), h('p', {}, 'No run matches this status and search.'));
  return h(
    'div',
    { class: 'empty-state' },
    h('h2', {}, 'No runs yet'),
    h('p', {}, 'Put runmeter in front of any training command and its run appears here, live:'),
    h('pre', { class: 'code-block' }, 'runmeter run -- python train.py'),
  );
}
