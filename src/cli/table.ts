import { eastAsianWidth } from 'get-east-asian-width';
import { escapeControl } from '../model/text.js';

// Marks, zero-width spaces and joiners, and variation selectors take no column of their own.
const isZeroWidth = (code: number) =>
  (code >= 0x200b && code <= 0x200d) || code === 0x2060 || (code >= 0xfe00 && code <= 0xfe0f) || (code >= 0xe0100 && code <= 0xe01ef);
const mark = /^\p{Mark}$/u;

/** How many terminal columns `text` takes: East Asian wide and full-width characters two, marks none. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const char of text) {
    const code = char.codePointAt(0) as number;
    if (code < 0x300) width += code < 0x20 || (code >= 0x7f && code < 0xa0) ? 0 : 1;
    else if (!isZeroWidth(code) && !mark.test(char)) width += eastAsianWidth(code);
  }
  return width;
}

export interface TableOptions {
  /** Columns aligned to the right (numbers). */
  rightAlign?: number[];
  /** Decorates a body cell's text (colour) after it was measured: the decoration takes no columns. */
  style?: (text: string, column: number) => string;
}

/**
 * Renders rows as a plain-text table with a header, columns padded to their display width. Cells are shown with
 * control characters escaped, so a name a job printed cannot break the table or drive the terminal.
 */
export function renderTable(header: string[], rows: string[][], options: TableOptions = {}): string {
  const safeRows = rows.map((row) => row.map(escapeControl));
  const widths = header.map((h, i) => Math.max(displayWidth(h), ...safeRows.map((row) => displayWidth(row[i] ?? ''))));
  const right = new Set(options.rightAlign ?? []);
  const line = (cells: string[], style?: TableOptions['style']) =>
    cells
      .map((cell, i) => {
        const padding = ' '.repeat(Math.max(0, (widths[i] as number) - displayWidth(cell)));
        const shown = style === undefined || cell === '' ? cell : style(cell, i);
        return right.has(i) ? padding + shown : shown + padding;
      })
      .join('  ')
      .trimEnd();
  return `${[line(header), ...safeRows.map((row) => line(row, options.style))].join('\n')}\n`;
}

/** Shortens text to `max` columns with an ellipsis, control characters escaped first (they are shown wider). */
export function truncate(raw: string, max: number): string {
  const text = escapeControl(raw);
  if (displayWidth(text) <= max) return text;
  let out = '';
  let width = 0;
  for (const char of text) {
    const w = displayWidth(char);
    if (width + w > max - 1) break;
    out += char;
    width += w;
  }
  return `${out}…`;
}

/** A local date-time for tables: `2026-11-23 14:05:09`. */
export function formatTime(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** A command line for display, quoting arguments that need it, control characters escaped. */
export function formatCommand(command: readonly string[]): string {
  return command.map((arg) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${escapeControl(arg).replace(/'/g, `'\\''`)}'`)).join(' ');
}
