// `runmeter parse --explain`: for each line, which reader took it and what it gave, or why none did. Off the agent's
// path: it wraps the router rather than adding work to it.
import type { ParsedMetric } from '../model/point.js';
import { MetricRouter } from './router.js';
import { type AssembledLine, LineAssembler } from './terminal/assembler.js';
import type { ParseOptions } from './types.js';

/** What became of one line (or one redraw of it). */
export interface LineExplanation {
  /** 1-based line number in the stream. */
  line: number;
  /** The line as the terminal showed it, without rank tag or timestamp. */
  text: string;
  /** The reader that took it (`json`, `keras`, `tqdm`, `text`, `table`, `pattern`, ...), or '' when none did. */
  reader: string;
  /** The points it gave: for bars, these come when the bar ends, so they are listed on the line that ended it. */
  points: ParsedMetric[];
  /** Why the generic reader took nothing from it, when no reader took it; '' when it was not asked. */
  why: string;
  /** A redraw a later one replaced. */
  partial: boolean;
}

/** Parses `bytes` whole and explains each line, in order. */
export function explainLines(bytes: Buffer, options: ParseOptions = {}): LineExplanation[] {
  const out: LineExplanation[] = [];
  let points: ParsedMetric[] = [];
  const router = new MetricRouter({ metric: (m) => points.push(m), warning: () => {} }, options);
  const assembler = new LineAssembler({
    line(buf: Buffer, start: number, end: number, info: AssembledLine) {
      router.text.verdict = 'not read';
      router.line(buf, start, end, info);
      const reader = router.lastReader !== '' ? router.lastReader : points.length > 0 ? 'text' : '';
      const why = reader === '' && router.text.verdict !== 'not read' ? router.text.verdict : '';
      out.push({ line: info.line, text: buf.toString('utf8', start, end), reader, points, why, partial: info.partial });
      points = [];
    },
  });
  assembler.push(bytes);
  assembler.end();
  router.end();
  const last = out[out.length - 1];
  if (last !== undefined) last.points.push(...points);
  return out;
}
