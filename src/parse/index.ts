import type { ParsedMetric } from '../model/point.js';
import { testFault } from '../model/test-faults.js';
import { MetricRouter } from './router.js';
import { type AssembledLine, LineAssembler } from './terminal/assembler.js';
import type { OutputParser, ParseOptions, ParseSink } from './types.js';

export { loadParseConfig, parsePatternSpec } from './config.js';
export { explainLines, type LineExplanation } from './explain.js';
export { encodeMetricJson } from './jsonl.js';
export type { NoMetricsHint } from './text/hint.js';
export type { FormatName, MetricPattern, OutputParser, ParseOptions, ParseSink, ParseWarning } from './types.js';
export { formatNames } from './types.js';

/**
 * Creates a parser for one output stream (stdout and stderr each need their own). Metrics reach the sink during
 * `push`, as soon as the line that completes them has arrived, in line order; `end` flushes what only the end of
 * the stream completes (a progress bar's last values).
 */
export function createOutputParser(sink: ParseSink, options: ParseOptions = {}): OutputParser {
  let found = false;
  const router: MetricRouter = new MetricRouter(
    {
      metric: (metric: ParsedMetric) => {
        if (!found) {
          found = true;
          router.hint.found();
        }
        sink.metric(metric);
      },
      warning: (line: number, message: string) => sink.warning?.({ line, message }),
    },
    options,
  );
  const failed = sink.failure;
  const fault = testFault('parse');
  // A line the parser fails on (a bug, never the job's fault) costs that line's metrics, not the stream's: with a
  // sink that takes failures, each line is parsed on its own guard and the lines after it go on.
  const assembler = new LineAssembler(
    failed === undefined && fault === undefined
      ? router
      : {
          line(buf: Buffer, start: number, end: number, info: AssembledLine) {
            try {
              fault?.(info.line);
              router.line(buf, start, end, info);
            } catch (error) {
              if (failed === undefined) throw error;
              failed(info.line, error as Error);
            }
          },
        },
  );
  let ended = false;
  return {
    push(chunk) {
      if (ended || chunk.length === 0) return;
      assembler.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    },
    end() {
      if (ended) return;
      ended = true;
      assembler.end();
      router.end();
    },
    noMetricsHint() {
      return found ? undefined : router.hint.hint();
    },
  };
}
