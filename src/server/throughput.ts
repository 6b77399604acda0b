import type { SeriesSummary } from '../store/store.js';

/** Achieved FLOP/s of one FLOPs label, from its running-total series. */
export interface FlopsThroughput {
  /** The label given to log_flops_per_batch / per_epoch. */
  label: string;
  per: 'batch' | 'epoch';
  /** FLOPs counted in all. */
  totalFlops: number;
  /** Between the first and last call, in ms. */
  durationMs: number;
  /** FLOPs done between the first and last call, per second; absent with fewer than two calls. */
  flopsPerSecond?: number;
}

/**
 * Achieved throughput per FLOPs label: the growth of its running total (`flops/<label>/<per>_total`) between the
 * first and the last call, over the time between them. The first call's FLOPs ran before the clock started, so
 * they are left out of the rate.
 */
export function flopsThroughput(series: SeriesSummary[]): FlopsThroughput[] {
  const results: FlopsThroughput[] = [];
  for (const s of series) {
    const match = s.kind === 'flops' ? /^flops\/(.+)\/(batch|epoch)_total$/.exec(s.name) : null;
    if (!match || s.min === null || !Number.isFinite(s.last)) continue;
    const durationMs = s.lastTime - s.firstTime;
    const result: FlopsThroughput = { label: match[1] as string, per: match[2] as 'batch' | 'epoch', totalFlops: s.last, durationMs };
    if (s.count >= 2 && durationMs > 0) result.flopsPerSecond = ((s.last - s.min) / durationMs) * 1000;
    results.push(result);
  }
  return results;
}
