// How a grid arranges its charts: sections by name prefix, the filter, and metrics drawn on another's chart.
import type { ChartLine } from './chart-line.js';

/** A chart to show: its lines, title and unit. */
export interface ChartSpec {
  key: string;
  title: string;
  unit: string;
  lines: ChartLine[];
}

/** Charts that share a name prefix (`grad_norm/`, `val/`), shown under one heading that folds. */
export interface Section {
  /** The prefix, or undefined for the charts that share it with no other. */
  name: string | undefined;
  specs: ChartSpec[];
}

/** The section of a chart title: what comes before its first `/`, when there is one. */
export function sectionName(title: string): string | undefined {
  const slash = title.indexOf('/');
  return slash > 0 ? title.slice(0, slash) : undefined;
}

/** Groups charts by prefix, keeping their order: a prefix two or more charts share makes a section, after the rest. */
export function sections(specs: readonly ChartSpec[]): Section[] {
  const counts = new Map<string, number>();
  for (const spec of specs) {
    const name = sectionName(spec.title);
    if (name !== undefined) counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  const loose: ChartSpec[] = [];
  const named = new Map<string, ChartSpec[]>();
  for (const spec of specs) {
    const name = sectionName(spec.title);
    if (name === undefined || (counts.get(name) ?? 0) < 2) loose.push(spec);
    else named.set(name, [...(named.get(name) ?? []), spec]);
  }
  return [...(loose.length > 0 ? [{ name: undefined, specs: loose }] : []), ...[...named].map(([name, list]) => ({ name, specs: list }))];
}

/** Whether a chart matches the filter text: its title, its section or any of its lines' labels. */
export function matches(spec: ChartSpec, text: string): boolean {
  if (text === '') return true;
  return spec.title.toLowerCase().includes(text) || spec.lines.some((line) => line.label.toLowerCase().includes(text));
}

/**
 * A spec with the lines of the charts the view draws on it. On a one-run page the added lines take colours of their
 * own; where colours name runs (Compare), they keep their run's colour, dashed.
 */
export function withMerged(spec: ChartSpec, others: readonly ChartSpec[], color: (index: number) => string): ChartSpec {
  if (others.length === 0) return spec;
  const oneRun = new Set([spec, ...others].flatMap((s) => s.lines.map((l) => l.runId))).size === 1;
  let colour = new Set(spec.lines.map((l) => l.color)).size;
  const named = (title: string, line: ChartLine): ChartLine => ({
    ...line,
    label: line.label.includes(title) ? line.label : `${title} · ${line.label}`,
  });
  return {
    ...spec,
    lines: [
      ...spec.lines.map((line) => named(spec.title, line)),
      ...others.flatMap((other) => other.lines.map((line) => ({ ...named(other.title, line), ...(oneRun ? { color: color(colour++) } : { dashed: true }) }))),
    ],
  };
}
