import type { ParsedMetric } from '../model/point.js';
import { MetricRouter } from './router.js';
import { LineAssembler } from './terminal/assembler.js';
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
  const assembler = new LineAssembler(router);
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
