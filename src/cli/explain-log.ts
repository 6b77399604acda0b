// `runmeter parse FILE --explain`: each line with the reader that took it and what it gave, or why none did.
import type { ParsedMetric } from '../model/point.js';
import { explainLines, type LineExplanation, type ParseOptions } from '../parse/index.js';

/** The longest line text shown. */
const MAX_TEXT = 120;

/** The explanation of a whole log, one line of output per line of the log. */
export function explainLog(bytes: Buffer, options: ParseOptions): string {
  return explainLines(bytes, options)
    .map((e) => `${describe(e)}\n`)
    .join('');
}

function describe(e: LineExplanation): string {
  const text = shown(e.text);
  const where = `${e.line}${e.partial ? ' (redraw)' : ''}`;
  if (e.points.length > 0) return `${where}\t${e.reader || 'bar'}\t${e.points.map(point).join(' ')}\t| ${text}`;
  if (e.reader !== '') return `${where}\t${e.reader}\t(a header: no points of its own)\t| ${text}`;
  return `${where}\t-\t${e.why === '' ? 'no reader' : e.why}\t| ${text}`;
}

function point(m: ParsedMetric): string {
  const x = m.step !== undefined ? `@step ${m.step}` : m.epoch !== undefined ? `@epoch ${m.epoch}` : '';
  return `${m.name}=${m.value}${m.unit === undefined ? '' : m.unit}${x}`;
}

/** The job's text as plain text: control characters escaped, long lines cut. */
function shown(text: string): string {
  const plain = text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return plain.length > MAX_TEXT ? `${plain.slice(0, MAX_TEXT)}...` : plain;
}
