import fs from 'node:fs';
import path from 'node:path';
import { pointsOf, type SeriesColumns } from '../model/columns.js';
import { encodeValue, type SeriesPoint } from '../model/point.js';
import { makeDirectory } from '../store/make-directory.js';
import type { OutputChunk } from '../store/store.js';
import type { Sink } from './sink.js';

/** Points kept in memory while the store refuses writes, before they go to the fallback file. */
const MEMORY_BOUND = 1_000_000;

/** Appends points as JSON lines to a file: the last resort when the store cannot be written. */
export class FallbackSink {
  count = 0;
  constructor(readonly file: string) {}

  write(points: SeriesPoint[]): void {
    if (points.length === 0) return;
    makeDirectory(path.dirname(this.file));
    const lines = points.map((p) => JSON.stringify({ ...p.series, time: p.time, step: p.step, epoch: p.epoch, value: encodeValue(p.value) }));
    fs.appendFileSync(this.file, `${lines.join('\n')}\n`);
    this.count += points.length;
  }
}

/**
 * Writes to the primary sink; while it fails, keeps what it can in memory (up to a bound, retried on every write),
 * then in the fallback file. Says once what failed. Never throws: the job must not notice.
 */
export class ResilientSink {
  private heldBatches: SeriesColumns[] = [];
  private heldPoints = 0;
  private readonly heldIndex: OutputChunk[] = [];
  private lastHeartbeat = 0;

  constructor(
    private primary: Sink | undefined,
    private readonly fallback: FallbackSink,
    private readonly warn: (message: string) => void,
  ) {}

  /** With `defer`, another write follows soon: the store may hold back summaries until then (Store.appendPoints). */
  async write(batches: SeriesColumns[], index: OutputChunk[], defer = false): Promise<void> {
    if (this.primary === undefined) {
      this.toFallback(pointsOf(batches));
      return;
    }
    for (const batch of batches) {
      if (batch.n === 0) continue;
      this.heldBatches.push(batch);
      this.heldPoints += batch.n;
    }
    this.heldIndex.push(...index);
    try {
      if (this.heldIndex.length > 0) await this.primary.indexOutput(this.heldIndex);
      this.heldIndex.length = 0;
      if (this.heldPoints > 0 || !defer) await this.primary.appendColumns(this.heldBatches);
      this.heldBatches = [];
      this.heldPoints = 0;
      const now = Date.now();
      if (now - this.lastHeartbeat > 5000) {
        this.lastHeartbeat = now;
        await this.primary.heartbeat(now);
      }
    } catch (error) {
      this.warn(`cannot write to the store (${(error as Error).message}); keeping metrics in memory and retrying`);
      if (this.heldPoints > MEMORY_BOUND) {
        this.warn(`the store still refuses writes; metrics go to ${this.fallback.file}`);
        this.toFallback(this.takeHeld());
      }
      if (this.heldIndex.length > MEMORY_BOUND) this.heldIndex.splice(0, this.heldIndex.length - MEMORY_BOUND);
    }
  }

  private takeHeld(): SeriesPoint[] {
    const points = pointsOf(this.heldBatches);
    this.heldBatches = [];
    this.heldPoints = 0;
    return points;
  }

  private toFallback(points: SeriesPoint[]): void {
    try {
      this.fallback.write(points);
    } catch (error) {
      this.warn(`cannot write the fallback file ${this.fallback.file} either (${(error as Error).message}); ${points.length} metric points were lost`);
    }
  }

  async close(): Promise<void> {
    if (this.heldPoints > 0) {
      this.warn(`the store refused the last writes; ${this.heldPoints} metric points go to ${this.fallback.file}`);
      this.toFallback(this.takeHeld());
    }
    try {
      await this.primary?.close();
    } catch {
      // Closing a store that failed is best effort.
    }
  }
}
