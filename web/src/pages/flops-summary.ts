import type { FlopsThroughput } from '../api.js';
import { h } from '../dom.js';
import { formatDuration, formatNumber, formatUnit } from '../format.js';

function tile(label: string, value: string, note: string, title?: string): HTMLElement {
  return h(
    'div',
    { class: 'stat', ...(title ? { title } : {}) },
    h('div', { class: 'stat-label' }, label),
    h('div', { class: 'stat-value' }, value),
    h('div', { class: 'stat-note' }, note),
  );
}

/** Achieved throughput per FLOPs label, and MFU where the GPU's peak is known, as tiles above the FLOPs charts. */
export function flopsSummary(flops: FlopsThroughput[]): HTMLElement {
  return h(
    'div',
    { class: 'stat-row' },
    ...flops.flatMap((f) => {
      const tiles = [
        tile(
          `${f.label} · achieved`,
          f.flopsPerSecond === undefined ? '—' : `${formatNumber(f.flopsPerSecond / 1e12)} TFLOP/s`,
          f.flopsPerSecond === undefined
            ? 'needs two FLOPs calls'
            : `${formatUnit(f.totalFlops, 'flops')} in ${formatDuration(f.durationMs)}, logged per ${f.per}`,
        ),
      ];
      if (f.mfu !== undefined && f.peak) {
        const { peak } = f;
        tiles.push(
          tile(
            `${f.label} · MFU`,
            `${formatNumber(f.mfu * 100, 3)}%`,
            `of ${peak.gpus > 1 ? `${peak.gpus}× ` : ''}${peak.gpuModel} ${peak.dtype} dense peak`,
            `Peak ${formatNumber(peak.flopsPerSecond / 1e12)} TFLOP/s (${peak.source})`,
          ),
        );
      }
      return tiles;
    }),
  );
}
