import { h } from '../dom.js';
import { formatClock } from '../format.js';
import type { LogLine } from './log-lines.js';

const LINE_HEIGHT = 20;
const OVERSCAN = 30;

/** Appends `text` to `parent` with each case-insensitive occurrence of `needle` in a <mark>, as text nodes only. */
function appendHighlighted(parent: HTMLElement, text: string, needle: string): void {
  if (needle === '') {
    parent.textContent = text;
    return;
  }
  const lower = text.toLowerCase();
  let at = 0;
  for (let hit = lower.indexOf(needle); hit !== -1; hit = lower.indexOf(needle, at)) {
    if (hit > at) parent.append(text.slice(at, hit));
    parent.append(h('mark', {}, text.slice(hit, hit + needle.length)));
    at = hit + needle.length;
  }
  if (at < text.length) parent.append(text.slice(at));
}

/**
 * A scrolling list of log lines that renders only the rows in view, so a log of a million lines scrolls as
 * smoothly as one of ten. While following, it stays at the bottom as lines arrive.
 */
export class VirtualLines {
  readonly element: HTMLElement;
  private readonly spacer: HTMLElement;
  private readonly rows: HTMLElement;
  private lines: LogLine[] = [];
  private needle = '';
  private following = true;
  private frame = 0;
  /** The line a link pointed at: marked wherever it scrolls. */
  private target: LogLine | undefined;
  /**
   * Each drawn line's row, kept while it stays in view, for the search it was drawn with. A row is never taken out and
   * put back: that would end a selection in it, and a live log draws again several times a second (see render).
   */
  private drawn = new Map<LogLine, HTMLElement>();
  private drawnNeedle = '';
  onFollowChange: (following: boolean) => void = () => {};

  constructor() {
    this.rows = h('div', { class: 'log-rows' });
    this.spacer = h('div', { class: 'log-spacer' }, this.rows);
    this.element = h('div', { class: 'log-scroll', tabindex: '0', role: 'log', 'aria-live': 'off' }, this.spacer);
    this.element.addEventListener('scroll', () => {
      const atEnd = this.element.scrollTop + this.element.clientHeight >= this.element.scrollHeight - LINE_HEIGHT;
      if (atEnd !== this.following) {
        this.following = atEnd;
        this.onFollowChange(atEnd);
      }
      this.schedule();
    });
  }

  /** Shows these lines, highlighting `needle`; keeps following the end if it was. */
  setLines(lines: LogLine[], needle: string, keepPosition = false): void {
    const grewAtTop = keepPosition ? lines.length - this.lines.length : 0;
    this.lines = lines;
    this.needle = needle;
    this.spacer.style.height = `${Math.max(1, lines.length) * LINE_HEIGHT}px`;
    if (this.following) this.element.scrollTop = this.element.scrollHeight;
    else if (grewAtTop > 0) this.element.scrollTop += grewAtTop * LINE_HEIGHT;
    this.render();
  }

  /** Marks a line and scrolls it to the middle of the view; following stops, so new output does not carry it away. */
  show(line: LogLine): boolean {
    const index = this.lines.indexOf(line);
    if (index === -1) return false;
    this.target = line;
    this.following = false;
    this.onFollowChange(false);
    this.element.scrollTop = Math.max(0, index * LINE_HEIGHT - (this.element.clientHeight || 600) / 2);
    this.render();
    return true;
  }

  /** Scrolls to the end and follows new lines. */
  follow(): void {
    this.following = true;
    this.onFollowChange(true);
    this.element.scrollTop = this.element.scrollHeight;
    this.render();
  }

  private schedule(): void {
    if (this.frame !== 0) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  /**
   * Draws the lines in view. Rows that stay in view are left where they are, new ones go in around them: a user who
   * selects text in a log that is still growing keeps the selection, and can copy it.
   */
  private render(): void {
    if (this.lines.length === 0) {
      this.drawn.clear();
      this.rows.replaceChildren(h('div', { class: 'log-empty' }, 'No output yet.'));
      this.rows.style.transform = '';
      return;
    }
    if (this.needle !== this.drawnNeedle) {
      this.drawn.clear();
      this.drawnNeedle = this.needle;
    }
    const first = Math.max(0, Math.floor(this.element.scrollTop / LINE_HEIGHT) - OVERSCAN);
    const last = Math.min(this.lines.length, Math.ceil((this.element.scrollTop + (this.element.clientHeight || 600)) / LINE_HEIGHT) + OVERSCAN);
    const drawn = new Map<LogLine, HTMLElement>();
    const rows: HTMLElement[] = [];
    for (let i = first; i < last; i++) {
      const line = this.lines[i] as LogLine;
      const row = this.drawn.get(line) ?? this.row(line);
      const kind = line === this.target ? `log-line log-${line.stream} log-target` : `log-line log-${line.stream}`;
      if (row.className !== kind) row.className = kind;
      drawn.set(line, row);
      rows.push(row);
    }
    this.drawn = drawn;
    this.rows.style.transform = `translateY(${first * LINE_HEIGHT}px)`;
    // Take out the rows no longer in view, then put each new one before the first row that stays after it.
    const shown = new Set<Element>(rows);
    for (const child of [...this.rows.children]) if (!shown.has(child)) child.remove();
    let next = this.rows.firstElementChild;
    for (const row of rows) {
      if (row === next) next = next.nextElementSibling;
      else this.rows.insertBefore(row, next);
    }
  }

  private row(line: LogLine): HTMLElement {
    const text = h('span', { class: 'log-text' });
    appendHighlighted(text, line.text, this.needle);
    return h('div', { class: 'log-line' }, h('span', { class: 'log-time', title: new Date(line.time).toISOString() }, formatClock(line.time)), text);
  }

  destroy(): void {
    cancelAnimationFrame(this.frame);
  }
}
