// The params diff and the final-metrics table: a column per run, headed by its colour and its label.
import type { CompareResponse, JsonValue } from '../../api.js';
import { h } from '../../dom.js';
import { decodeValue, formatNumber } from '../../format.js';

type Comparison = CompareResponse;

/** A run's column head: its colour and its label (what sets it apart), with its name and id as a tooltip. */
function runHead(run: Comparison['runs'][number], color: string): HTMLElement {
  const swatch = h('span', { class: 'legend-swatch' });
  swatch.style.color = color;
  return h('th', { scope: 'col', class: 'run-col', title: `${run.name} · ${run.id}` }, swatch, h('span', { class: 'run-col-label' }, run.label));
}

/** Long text cut with an ellipsis so that every run's column stays in view; the whole text is its tooltip. */
const clipped = (text: string) => h('span', { class: 'clip', title: text }, text);

const paramText = (value: unknown) => (value === null || value === undefined ? '—' : typeof value === 'string' ? value : String(value));

/** The params that differ between the runs (every param when `all`), one row each; a run without one shows —. */
export function paramsTable(comparison: Comparison, colors: readonly string[], all: boolean): HTMLElement {
  const { differing, same, values } = comparison.params;
  const names = all ? [...differing, ...same] : differing;
  if (names.length === 0) {
    return h('p', { class: 'compare-note' }, same.length === 0 ? 'These runs have no params.' : `All ${same.length} params are the same in every run.`);
  }
  return h(
    'div',
    { class: 'compare-table-wrap' },
    h(
      'table',
      { class: 'compare-table params-diff' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'param'), ...comparison.runs.map((run, i) => runHead(run, colors[i] as string)))),
      h(
        'tbody',
        {},
        ...names.map((name) =>
          h(
            'tr',
            { class: differing.includes(name) ? 'differs' : 'same', 'data-param': name },
            h('th', { scope: 'row' }, clipped(name)),
            ...(values[name] ?? []).map((value) => h('td', { class: value === null ? 'absent' : '' }, clipped(paramText(value)))),
          ),
        ),
      ),
    ),
  );
}

const valueText = (value: JsonValue | null | undefined) => (value === null || value === undefined ? '—' : formatNumber(decodeValue(value)));

/**
 * Each metric's final value per run, its best below where the name says which way is better (the min of a loss,
 * the max of an accuracy); the run with the best of them is highlighted.
 */
export function metricsTable(comparison: Comparison, colors: readonly string[]): HTMLElement {
  if (comparison.metrics.length === 0) return h('p', { class: 'compare-note' }, 'None of these runs has recorded a training metric yet.');
  return h(
    'div',
    { class: 'compare-table-wrap' },
    h(
      'table',
      { class: 'compare-table final-metrics' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'metric'), ...comparison.runs.map((run, i) => runHead(run, colors[i] as string)))),
      h(
        'tbody',
        {},
        ...comparison.metrics.map((metric) => {
          const bests = metric.values.map((v) => (v?.best === undefined || v.best === null ? Number.NaN : decodeValue(v.best)));
          const finite = bests.filter(Number.isFinite);
          // A best run only among two or more: a metric one run has is nobody's win.
          const winner = finite.length < 2 ? undefined : metric.better === 'lower' ? Math.min(...finite) : Math.max(...finite);
          const direction = metric.better === 'lower' ? 'lower is better' : metric.better === 'higher' ? 'higher is better' : '';
          return h(
            'tr',
            { 'data-metric': metric.key },
            h(
              'th',
              { scope: 'row', title: direction },
              metric.key,
              metric.better ? h('span', { class: 'better' }, metric.better === 'lower' ? ' ↓' : ' ↑') : null,
            ),
            ...metric.values.map((value, i) => {
              if (value === null) return h('td', { class: 'absent' }, '—');
              const isBest = winner !== undefined && bests[i] === winner;
              return h(
                'td',
                { class: isBest ? 'best' : '', title: isBest ? `the best ${metric.key} of these runs` : '' },
                h('span', { class: 'final' }, valueText(value.last)),
                value.best === undefined || value.best === value.last ? null : h('span', { class: 'best-value' }, `best ${valueText(value.best)}`),
              );
            }),
          );
        }),
      ),
    ),
  );
}
