// The user's own patterns: a regex with named groups `name` and `value` (and optionally `step`, `epoch`), or with a
// fixed metric name and a `value` group (else its first group without a name). Each match on a line is a point.

import { parseMetricNumber } from '../number.js';
import type { MetricPattern } from '../types.js';
import { type LineContext, type MetricOutput, metricOn } from './line.js';

const MAX_MATCHES_PER_LINE = 1000;

interface CompiledPattern {
  global: RegExp;
  source: string;
  name: string | undefined;
  /** The number of the group that holds the value when there is no `value` group. */
  valueGroup: number | undefined;
}

/**
 * The number of the regex's first capture group that has no name, or undefined when it has none. Named groups are
 * numbered too: in `(?<step>\d+) (\S+)` the value is group 2, not 1.
 */
export function firstUnnamedGroup(source: string): number | undefined {
  let groups = 0;
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') i++;
    else if (inClass) inClass = c !== ']';
    else if (c === '[') inClass = true;
    else if (c === '(') {
      if (source[i + 1] !== '?') return groups + 1;
      // `(?<name>` captures; `(?:`, `(?=`, `(?!`, `(?<=`, `(?<!` do not.
      if (source[i + 2] === '<' && source[i + 3] !== '=' && source[i + 3] !== '!') groups++;
    }
  }
  return undefined;
}

/** Applies the user's patterns to lines. */
export class PatternMatcher {
  private readonly patterns: CompiledPattern[];

  constructor(patterns: readonly MetricPattern[]) {
    this.patterns = patterns.map((pattern) => ({
      global: new RegExp(pattern.regex.source, pattern.regex.flags.includes('g') ? pattern.regex.flags : `${pattern.regex.flags}g`),
      source: `/${pattern.regex.source}/`,
      name: pattern.name,
      valueGroup: firstUnnamedGroup(pattern.regex.source),
    }));
  }

  /**
   * Emits the points the patterns find on a line; true when any pattern matched it. `carried`: the epoch and step
   * of the stream's last epoch header (`-- Epoch 3`), for points whose pattern gives none.
   */
  line(text: string, at: LineContext, out: MetricOutput, carried?: { epoch: number | undefined; step: number | undefined }): boolean {
    let matched = false;
    for (const pattern of this.patterns) {
      pattern.global.lastIndex = 0;
      let count = 0;
      for (const match of text.matchAll(pattern.global)) {
        if (++count > MAX_MATCHES_PER_LINE) break;
        matched = true;
        const groups = match.groups ?? {};
        const name = groups.name ?? pattern.name;
        const raw = groups.value ?? (pattern.valueGroup === undefined ? undefined : match[pattern.valueGroup]) ?? match[0];
        const value = parseMetricNumber(raw.trim());
        if (name === undefined || name === '') {
          out.warning(at.line, `rejected: pattern ${pattern.source} matched but has no "name" group and no fixed name`);
          continue;
        }
        if (value === undefined) {
          out.warning(at.line, `rejected: pattern ${pattern.source} matched "${name}" but its value ${JSON.stringify(raw.slice(0, 40))} is not a number`);
          continue;
        }
        const point = metricOn(at, 'pattern', name, value);
        const step = groups.step === undefined ? undefined : Number(groups.step);
        if (step !== undefined && Number.isSafeInteger(step)) point.step = step;
        const epoch = groups.epoch === undefined ? undefined : parseMetricNumber(groups.epoch);
        if (epoch !== undefined && Number.isFinite(epoch)) point.epoch = epoch;
        if (carried !== undefined) {
          point.epoch ??= carried.epoch;
          if (groups.step === undefined && groups.epoch === undefined) point.step ??= carried.step;
        }
        out.metric(point);
      }
    }
    return matched;
  }
}
