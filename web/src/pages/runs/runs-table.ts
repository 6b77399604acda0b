import type { SortKey } from '../../../../src/model/run-query/index.js';
import { h, icon } from '../../dom.js';
import type { Column } from './columns.js';
import type { TableRun } from './records.js';

const ROW_HEIGHT = 44;
const OVERSCAN = 8;
const SELECT_WIDTH = 40;

/**
 * The runs table: a header that sorts, and only the rows in view drawn (10,000 runs scroll and filter as fast as 10).
 * Rows are a CSS grid; the checkbox and name columns stay in view when the table scrolls sideways.
 */
export class RunsTable {
  readonly element: HTMLElement;
  private readonly header: HTMLElement;
  private readonly body: HTMLElement;
  private readonly rowsLayer: HTMLElement;
  private readonly selectAll: HTMLInputElement;
  private runs: readonly TableRun[] = [];
  private columns: Column[] = [];
  private sort: { id: string; descending: boolean } | undefined;
  private frame = 0;
  private template = '';
  /** The scroll box's geometry, read when nothing is waiting to be laid out (scroll, resize): reading it after the
   * rows changed would make the browser lay the page out there and then. */
  private view = { scrollTop: 0, height: 800, header: 36 };
  /**
   * While a button is held down on a row, rows are not drawn again. Chromium drops a click whose element was
   * replaced, or only taken out and put back, between press and release; a table with a running run draws its rows
   * every second and on every change of a run, so a click on a row could do nothing. They are drawn on release.
   */
  private pressed = false;
  private held = false;
  private readonly release = (): void => {
    if (!this.pressed) return;
    this.pressed = false;
    // After the click: it is dispatched in the same task as the release, a frame is later.
    if (this.held) this.schedule();
    this.held = false;
  };

  constructor(
    private readonly selected: Set<string>,
    private readonly handlers: {
      onSort(columnId: string): void;
      onSelectionChange(): void;
      onOpen(runId: string): void;
    },
  ) {
    this.selectAll = h('input', { type: 'checkbox', 'aria-label': 'Select every run shown' });
    this.selectAll.addEventListener('change', () => {
      for (const run of this.runs) {
        if (this.selectAll.checked) this.selected.add(run.id);
        else this.selected.delete(run.id);
      }
      this.render();
      this.handlers.onSelectionChange();
    });
    this.header = h('div', { class: 'runs-grid-header', role: 'row' });
    this.rowsLayer = h('div', { class: 'runs-grid-rows' });
    this.body = h('div', { class: 'runs-grid-body' }, this.rowsLayer);
    this.element = h('div', { class: 'runs-grid', role: 'table', 'aria-label': 'Runs' }, this.header, this.body);
    this.rowsLayer.addEventListener('pointerdown', () => {
      this.pressed = true;
    });
    for (const type of ['pointerup', 'pointercancel', 'blur'] as const) window.addEventListener(type, this.release);
    this.element.addEventListener('scroll', () => {
      this.measure();
      this.schedule();
    });
    new ResizeObserver(() => {
      this.measure();
      this.schedule();
    }).observe(this.element);
    new ResizeObserver(() => this.measure()).observe(this.header);
  }

  /** Shows these columns, sorted by this key. */
  setColumns(columns: Column[], sort: SortKey | undefined, sortId: string | undefined): void {
    this.columns = columns;
    this.sort = sort && sortId ? { id: sortId, descending: sort.descending } : undefined;
    this.template = `${SELECT_WIDTH}px ${columns.map((c) => `${c.width}px`).join(' ')} minmax(0, 1fr)`;
    this.element.style.setProperty('--runs-columns', this.template);
    this.element.style.setProperty('--runs-width', `${SELECT_WIDTH + columns.reduce((n, c) => n + c.width, 0)}px`);
    this.header.replaceChildren(
      h('div', { class: 'cell cell-select', role: 'columnheader' }, this.selectAll),
      ...columns.map((column) => {
        const sorted = this.sort?.id === column.id;
        return h(
          'button',
          {
            type: 'button',
            role: 'columnheader',
            class: `cell header-cell${column.numeric ? ' cell-num' : ''}${sorted ? ' sorted' : ''}${column.id === 'name' ? ' cell-name' : ''}`,
            'data-column': column.id,
            'aria-sort': sorted ? (this.sort?.descending ? 'descending' : 'ascending') : 'none',
            title: `Sort by ${column.label}`,
            onclick: () => this.handlers.onSort(column.id),
          },
          h('span', { class: 'header-label' }, column.label),
          sorted ? icon(this.sort?.descending ? 'arrowDown' : 'arrowUp', 12) : null,
        );
      }),
      h('div', { class: 'cell' }),
    );
    this.render();
  }

  private measure(): void {
    this.view = { scrollTop: this.element.scrollTop, height: this.element.clientHeight || 800, header: this.header.offsetHeight || 36 };
  }

  /** Shows these runs (already filtered and sorted). */
  setRuns(runs: readonly TableRun[]): void {
    this.runs = runs;
    this.body.style.height = `${runs.length * ROW_HEIGHT}px`;
    if (this.view.scrollTop > runs.length * ROW_HEIGHT) {
      this.element.scrollTop = 0;
      this.view.scrollTop = 0;
    }
    this.render();
  }

  /** Draws the rows in view again (live durations, a changed run). */
  refresh(): void {
    this.schedule();
  }

  private schedule(): void {
    if (this.frame !== 0) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  /** Draws the rows in view, synchronously; or on release while a button is held on a row (see `pressed`). */
  render(): void {
    if (this.pressed) {
      this.held = true;
      return;
    }
    const shownIds = this.runs.length;
    const chosen = this.runs.reduce((n, run) => n + (this.selected.has(run.id) ? 1 : 0), 0);
    this.selectAll.checked = shownIds > 0 && chosen === shownIds;
    this.selectAll.indeterminate = chosen > 0 && chosen < shownIds;
    const top = Math.max(0, this.view.scrollTop - this.view.header);
    const first = Math.max(0, Math.floor(top / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(this.runs.length, Math.ceil((top + this.view.height) / ROW_HEIGHT) + OVERSCAN);
    const now = Date.now();
    const rows: HTMLElement[] = [];
    for (let i = first; i < last; i++) rows.push(this.row(this.runs[i] as TableRun, now));
    this.rowsLayer.style.transform = `translateY(${first * ROW_HEIGHT}px)`;
    this.rowsLayer.replaceChildren(...rows);
  }

  private row(run: TableRun, now: number): HTMLElement {
    const checkbox = h('input', { type: 'checkbox', 'aria-label': `Select ${run.name}`, checked: this.selected.has(run.id) });
    checkbox.addEventListener('change', () => {
      if (checkbox.checked) this.selected.add(run.id);
      else this.selected.delete(run.id);
      element.classList.toggle('selected', checkbox.checked);
      this.render();
      this.handlers.onSelectionChange();
    });
    const element = h(
      'div',
      { class: `run-row${this.selected.has(run.id) ? ' selected' : ''}`, role: 'row', 'data-run-id': run.id },
      h('div', { class: 'cell cell-select' }, checkbox),
      ...this.columns.map((column) => {
        const cell = column.cell(run, now);
        cell.dataset.column = column.id;
        return cell;
      }),
      h('div', { class: 'cell' }),
    );
    element.addEventListener('click', (event) => {
      if ((event.target as HTMLElement).closest('a, input, button')) return;
      this.handlers.onOpen(run.id);
    });
    return element;
  }

  destroy(): void {
    for (const type of ['pointerup', 'pointercancel', 'blur'] as const) window.removeEventListener(type, this.release);
    cancelAnimationFrame(this.frame);
  }
}
