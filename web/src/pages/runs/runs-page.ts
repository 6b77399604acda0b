import {
  compileFilter,
  type FieldSchema,
  FilterError,
  parseSortKey,
  type RunPredicate,
  type SortKey,
  schemaOf,
  searchText,
  sortRuns,
} from '../../../../src/model/run-query/index.js';
import { api, type RunStatus } from '../../api.js';
import { segmented } from '../../components/controls.js';
import { h, icon, replaceChildren, setText } from '../../dom.js';
import { formatNumber } from '../../format.js';
import { connectLive } from '../../live.js';
import type { Page } from '../../page.js';
import { href } from '../../router.js';
import { loadSession } from '../../session.js';
import { decodeList, encodeList, viewParams, writeView } from '../../view-state.js';
import { columnPicker } from './column-picker.js';
import { type Column, column, defaultColumnIds } from './columns.js';
import { filterBox } from './filter-box.js';
import { NO_PROJECT, projectSwitcher } from './project-switcher.js';
import { type TableRun, tableRun } from './records.js';
import { selectionActions } from './run-actions.js';
import { RunsTable } from './runs-table.js';

type StatusFilter = 'all' | RunStatus;
const statusChoices: ReadonlyArray<readonly [StatusFilter, string]> = [
  ['all', 'All'],
  ['running', 'Running'],
  ['succeeded', 'Succeeded'],
  ['failed', 'Failed'],
  ['killed', 'Killed'],
  ['lost', 'Lost'],
];
/** The most runs the table reads; beyond it, a project or the CLI narrows them. */
const MAX_RUNS = 10_000;

/** What the URL says the runs view is. */
function readState() {
  const params = viewParams();
  const status = params.get('status');
  return {
    q: params.get('q') ?? '',
    status: (statusChoices.some(([s]) => s === status) ? status : 'all') as StatusFilter,
    project: params.get('project') ?? '',
    sort: params.get('sort') ?? '',
    cols: params.has('cols') ? decodeList(params.get('cols')) : undefined,
    sel: decodeList(params.get('sel')),
  };
}

/** The runs table: filter language, sort by any column, columns from params and metrics, projects, organise. Live. */
export function runsPage(): Page {
  let state = readState();
  let all: TableRun[] = [];
  let schema: FieldSchema = { params: new Set(), metrics: new Set() };
  let predicate: RunPredicate = () => true;
  let sortKey: SortKey | undefined;
  let columns: Column[] = [];
  let shown: TableRun[] = [];
  let loadedProject: string | undefined;
  const selected = new Set(state.sel);
  const count = h('span', { class: 'page-count' });
  const body = h('div', { class: 'runs-body' });

  const table = new RunsTable(selected, {
    onSort: (id) => {
      const current = sortKey && state.sort.replace(/^-/, '') === id ? state.sort : '';
      // Ascending, then descending, then newest first again.
      const next = current === '' ? id : current.startsWith('-') ? '' : `-${id}`;
      writeView({ sort: next }, 'push');
      apply({ ...state, sort: next });
    },
    onSelectionChange: () => selectionChanged(),
    onOpen: (runId) => {
      location.hash = href({ page: 'run', runId, tab: 'charts' });
    },
  });

  const filter = filterBox({
    value: state.q,
    onInput: (text) => {
      const start = performance.now();
      writeView({ q: text }, 'replace');
      refilterBy(text);
      // How long a keystroke takes to show, to after the frame that shows it was drawn (a message posted from the
      // frame's callback runs once the frame is painted): read by bench/runs-table.bench.mjs.
      requestAnimationFrame(() => {
        const channel = new MessageChannel();
        channel.port1.onmessage = () => performance.measure('runs:filter', { start, end: performance.now() });
        channel.port2.postMessage(null);
      });
    },
  });
  const status = segmented({
    label: 'Status',
    choices: statusChoices,
    value: state.status,
    onChange: (value) => {
      writeView({ status: value === 'all' ? undefined : value }, 'push');
      apply({ ...state, status: value });
    },
  });
  const projects = projectSwitcher({
    value: state.project,
    onChange: (project) => {
      writeView({ project }, 'push');
      apply({ ...state, project });
    },
  });
  const picker = columnPicker({
    schema: () => schema,
    chosen: () => columns.map((c) => c.id),
    onChange: (ids) => {
      writeView({ cols: ids === undefined ? undefined : encodeList(ids) }, 'push');
      apply({ ...state, cols: ids });
    },
  });
  const actions = selectionActions({ selected, runs: () => all, reload: () => void load() });

  function selectionChanged(): void {
    for (const id of [...selected]) if (!all.some((r) => r.id === id) && all.length > 0) selected.delete(id);
    state = { ...state, sel: [...selected] };
    writeView({ sel: selected.size > 0 ? encodeList([...selected]) : undefined }, 'replace');
    actions.update();
  }

  /** Applies a view state: filter, status, sort and columns at once, on the runs already read (or reads them). */
  function apply(next: ReturnType<typeof readState>): void {
    state = next;
    if (state.project !== loadedProject) {
      void load();
      return;
    }
    let problem: FilterError | undefined;
    try {
      predicate = compileFilter(state.q, schema);
    } catch (error) {
      if (!(error instanceof FilterError)) throw error;
      problem = error;
    }
    filter.showError(state.q, problem);
    if (filter.input.value !== state.q) filter.input.value = state.q;
    status.setValue(state.status);
    projects.setValue(state.project);
    try {
      sortKey = state.sort === '' ? undefined : parseSortKey(state.sort, schema);
    } catch {
      sortKey = undefined;
    }
    const ids = state.cols ?? defaultColumnIds(all, schema);
    columns = ids.map((id) => column(id, schema)).filter((c): c is Column => c !== undefined);
    table.setColumns(columns, sortKey, sortKey ? state.sort.replace(/^-/, '') : undefined);
    refilter();
    selected.clear();
    for (const id of state.sel) selected.add(id);
    actions.update();
  }

  /** A keystroke in the filter: the expression compiled and the rows filtered again; columns and sort stay as they are. */
  function refilterBy(text: string): void {
    state = { ...state, q: text };
    let problem: FilterError | undefined;
    try {
      predicate = compileFilter(text, schema);
    } catch (error) {
      if (!(error instanceof FilterError)) throw error;
      problem = error;
    }
    filter.showError(text, problem);
    refilter();
  }

  /** Filters and sorts the runs read, and shows them. */
  function refilter(): void {
    shown = sortRuns(
      all.filter((run) => (state.status === 'all' || run.status === state.status) && predicate(run)),
      sortKey,
    );
    table.setRuns(shown);
    const total = all.length;
    setText(
      count,
      shown.length === total
        ? `${formatNumber(total)} ${total === 1 ? 'run' : 'runs'}${total >= MAX_RUNS ? ' (the newest)' : ''}`
        : `${formatNumber(shown.length)} of ${formatNumber(total)} runs`,
    );
    if (total === 0) replaceChildren(body, emptyState(state.project !== ''));
    else if (shown.length === 0)
      replaceChildren(
        body,
        noMatch(state.q, () => setFilter('')),
      );
    else if (body.firstChild !== table.element) replaceChildren(body, table.element);
    table.render();
  }

  function setFilter(text: string): void {
    writeView({ q: text }, 'push');
    apply({ ...state, q: text });
  }

  let loadToken = 0;
  async function load(): Promise<void> {
    const token = ++loadToken;
    const project = state.project;
    try {
      const start = performance.now();
      const { runs } = await api.runs({ limit: MAX_RUNS, ...(project === '' ? {} : { project: project === NO_PROJECT ? '' : project }) });
      if (token !== loadToken) return;
      const ready = performance.now();
      all = runs.map(tableRun);
      schema = schemaOf(all);
      loadedProject = project;
      apply(state);
      warmSearch(all);
      // How long 10,000 runs take to draw once read: bench/runs-table.bench.mjs reads these.
      requestAnimationFrame(() => {
        performance.measure('runs:load', { start, end: ready });
        performance.measure('runs:render', { start: ready, end: performance.now() });
        body.dataset.rendered = String(runs.length);
      });
      void projects.load();
    } catch (error) {
      replaceChildren(body, h('div', { class: 'empty-state error' }, `Could not load runs: ${(error as Error).message}`));
    }
  }

  let refilterTimer: number | undefined;
  /** A live change: the run's record is replaced, and the table filtered and sorted again soon (not per event). */
  function changed(update: () => void): void {
    update();
    if (refilterTimer !== undefined) return;
    refilterTimer = window.setTimeout(() => {
      refilterTimer = undefined;
      schema = schemaOf(all);
      refilter();
    }, 300);
  }
  const live = connectLive([], {
    event(event) {
      if (event.type === 'removed') changed(() => (all = all.filter((r) => r.id !== event.runId)));
      if (event.type !== 'run') return;
      if (state.project !== '' && (event.run.project ?? NO_PROJECT) !== state.project) return;
      const at = all.findIndex((r) => r.id === event.run.id);
      const record = tableRun(event.run);
      changed(() => {
        if (at === -1) all = [record, ...all];
        else all[at] = record;
      });
    },
    connected: () => void load(),
    resync: () => void load(),
  });
  const ticker = window.setInterval(() => table.refresh(), 1000);

  const element = h(
    'div',
    { class: 'page runs-page' },
    h('div', { class: 'page-header' }, h('h1', {}, 'Runs'), count, h('div', { class: 'toolbar-spacer' }), projects),
    h('div', { class: 'list-toolbar' }, filter, status, picker, h('div', { class: 'toolbar-spacer' }), actions.element),
    body,
  );
  document.title = 'Runs · runmeter';
  void loadSession().then(() => actions.update());
  void load();
  return {
    element,
    update(route) {
      if (route.page !== 'runs') return false;
      apply(readState());
      return true;
    },
    destroy() {
      live.close();
      table.destroy();
      clearInterval(ticker);
      clearTimeout(refilterTimer);
    },
  };
}

/**
 * Builds what free text searches for every run while the page is idle, a few hundred at a time, so the first word
 * typed into the filter does not pay for 10,000 runs at once.
 */
function warmSearch(runs: readonly TableRun[]): void {
  const idle = (next: () => void) => (typeof requestIdleCallback === 'function' ? requestIdleCallback(next) : setTimeout(next, 0));
  let at = 0;
  const step = () => {
    const end = Math.min(runs.length, at + 500);
    for (; at < end; at++) searchText(runs[at] as TableRun);
    if (at < runs.length) idle(step);
  };
  idle(step);
}

function noMatch(q: string, clear: () => void): HTMLElement {
  return h(
    'div',
    { class: 'empty-state' },
    h('h2', {}, 'No matching runs'),
    h('p', {}, q === '' ? 'No run has this status.' : `No run matches “${q}”.`),
    h('button', { type: 'button', class: 'button', onclick: clear }, icon('close', 14), 'Clear the filter'),
  );
}

function emptyState(inProject: boolean): HTMLElement {
  if (inProject) return h('div', { class: 'empty-state' }, h('h2', {}, 'No runs in this project'), h('p', {}, 'Choose another project above.'));
  return h(
    'div',
    { class: 'empty-state' },
    h('h2', {}, 'No runs yet'),
    h('p', {}, 'Put runmeter in front of any training command and its run appears here, live:'),
    h('pre', { class: 'code-block' }, 'runmeter run -- python train.py'),
  );
}
