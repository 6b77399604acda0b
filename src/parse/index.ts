import type { ParsedMetric } from '../model/point.js';
import type { OutputParser, ParseOptions, ParseSink } from './types.js';

export type { MetricPattern, OutputParser, ParseOptions, ParseSink, ParseWarning } from './types.js';

/** Creates a parser for one output stream. (Interim: JSON metric lines only; the parsers issue replaces this.) */
export function createOutputParser(sink: ParseSink, _options: ParseOptions = {}): OutputParser {
  let carry = '';
  let line = 0;
  const handle = (text: string) => {
    line++;
    if (!text.startsWith('{"metric"')) return;
    try {
      const json = JSON.parse(text) as { metric: string; value: number; step?: number; epoch?: number };
      const metric: ParsedMetric = { name: json.metric, value: json.value, line, format: 'json' };
      if (json.step !== undefined) metric.step = json.step;
      if (json.epoch !== undefined) metric.epoch = json.epoch;
      sink.metric(metric);
    } catch {
      sink.warning?.({ line, message: 'not valid JSON' });
    }
  };
  return {
    push(chunk) {
      const lines = (carry + Buffer.from(chunk).toString('utf8')).split('\n');
      carry = lines.pop() ?? '';
      for (const text of lines) handle(text);
    },
    end() {
      if (carry !== '') handle(carry);
      carry = '';
    },
  };
}
