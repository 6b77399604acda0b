// "Nothing was found": while a stream has given no point, the text reader offers the lines that look like metrics
// but were not read (name/value pairs with neither an epoch or step nor a metric word) and this keeps the best one,
// with a `--pattern` that reads it. Bounded: one line and a few hundred line shapes; nothing once a point is found.

import type { ParsedMetric } from '../../model/point.js';
import type { MetricOutput } from '../formats/line.js';
import { PatternMatcher } from '../formats/pattern.js';

/** The line to show when a run's output gave no points, and a `--pattern` that would read it. */
export interface NoMetricsHint {
  /** 1-based line number in its stream. */
  line: number;
  text: string;
  pattern: string;
}

const MAX_TEXT = 200;
const MAX_SHAPES = 256;

/** A value as a pattern reads it. */
const VALUE = '(?<value>[-+]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][-+]?\\d+)?)';
const NAME = '(?<name>[A-Za-z_][\\w.@/-]*)';

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** The shape of a line: its text without digits, so lines printed by one statement share it. */
function shapeOf(text: string): string {
  return text.replace(/[0-9.eE+-]+/g, '#').slice(0, 80);
}

/** Keeps the best line that looked like metrics, while no point has been found. */
export class HintTracker {
  /** False once a point has been found: then nothing is kept, and the text reader stops offering lines. */
  active = true;
  /**
   * Whether lines offered are kept. Off where nothing asks for the hint (`runmeter parse --jsonl`); the text reader
   * reads lines as while `active` either way.
   */
  keeping = true;
  private readonly shapes = new Map<string, number>();
  private best: { line: number; text: string; score: number; separators: string } | undefined;

  /** A point was found: forget everything. */
  found(): void {
    if (!this.active) return;
    this.active = false;
    this.best = undefined;
    this.shapes.clear();
  }

  /** A line with `pairs` name/value items (`separators`: the characters between names and values) that gave no point. */
  offer(text: string, line: number, pairs: number, separators: string): void {
    const shape = shapeOf(text);
    let seen = this.shapes.get(shape);
    if (seen === undefined && this.shapes.size >= MAX_SHAPES) return;
    seen = (seen ?? 0) + 1;
    this.shapes.set(shape, seen);
    // Metric lines repeat, and hold several values: a line printed once with one number is a weak guess.
    if (pairs < 2 && seen < 3) return;
    const score = seen * 4 + pairs;
    if (this.best !== undefined && this.best.score >= score) return;
    this.best = { line, text: text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…` : text, score, separators };
  }

  /** The best line and a pattern that reads it, or undefined. */
  hint(): NoMetricsHint | undefined {
    if (!this.active || this.best === undefined) return undefined;
    const { line, text, separators } = this.best;
    const pattern = patternFor(text, separators);
    return pattern === undefined ? undefined : { line, text, pattern };
  }
}

/**
 * A `--pattern` that reads the line's name/value items, anchored on the line's first word so that it reads lines
 * of its kind only; a first word followed by a number (`Gen 5:`) gives the step.
 */
export function patternFor(text: string, separators: string): string | undefined {
  const between = separators.includes(' ') ? `(?:\\s*[:=]\\s*| +)` : separators.includes('=') && !separators.includes(':') ? '=' : '\\s*[:=]\\s*';
  const head = /^\s*([A-Za-z_][\w.@-]*)(?:\s+(\d+)\b)?/.exec(text);
  let anchor = '';
  if (head !== null) {
    const step = head[2] !== undefined ? '\\s+(?<step>\\d+)' : '';
    // With a step, the first word is not a name: at least one character comes before a name.
    anchor = `(?<=^(?=\\s*${escapeRegex(head[1] as string)}${step}\\b)${step === '' ? '' : '\\s*\\S'}.*)`;
  }
  const candidates = [`${anchor}\\b${NAME}${between}${VALUE}`, `\\b${NAME}${between}${VALUE}`];
  for (const source of candidates) if (readsPoints(source, text)) return source;
  return undefined;
}

/** Whether the pattern gives a point on the text. */
function readsPoints(source: string, text: string): boolean {
  let regex: RegExp;
  try {
    regex = new RegExp(source);
  } catch {
    return false;
  }
  const points: ParsedMetric[] = [];
  const out: MetricOutput = { metric: (m) => points.push(m), warning: () => {} };
  new PatternMatcher([{ regex }]).line(text, { line: 1, rank: undefined, partial: false, timestamp: () => undefined }, out);
  return points.length > 0;
}
