import type { FlopsThroughput } from '../api.js';
import { h } from '../dom.js';
import { formatDuration, formatNumber, formatUnit } from '../format.js';

/** Achieved throughput per FLOPs label, as stat tiles above the FLOPs charts. */
export function flopsSummary(flops: FlopsThroughput[]): HTMLElement {
  return h(
    'div',
    { class: 'stat-row' },
    ...flops.map((f) =>
      h(
        'div',
        { class: 'stat' },
        h('div', { class: 'stat-label' }, `${f.label} · achieved`),
        h('div', { class: 'stat-value' }, f.flopsPerSecond === undefined ? '—' : `${formatNumber(f.flopsPerSecond / 1e12)} TFLOP/s`),
        h(
          'div',
          { class: 'stat-note' },
          `${formatUnit(f.totalFlops, 'flops')} in all, logged per ${f.per}, over ${formatDuration(f.durationMs)}`,
          f.flopsPerSecond === undefined ? ' (needs two calls)' : '',
        ),
      ),
    ),
  );
}
