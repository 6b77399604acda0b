import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FallbackSink, ResilientSink } from '../../src/agent/resilient-sink.js';
import type { Sink } from '../../src/agent/sink.js';
import { columnsOf, pointsOf, type SeriesColumns } from '../../src/model/columns.js';
import type { SeriesPoint } from '../../src/model/point.js';
import { tempHome } from '../helpers/cli.js';

const point = (value: number): SeriesPoint => ({ series: { name: 'loss', kind: 'training' }, time: value, value });

/** A sink that refuses writes until told otherwise, like a full disk that gets cleaned up. */
class FlakySink implements Sink {
  failing = true;
  stored: SeriesPoint[] = [];
  async appendColumns(batches: SeriesColumns[]) {
    if (this.failing) throw new Error('SQLITE_FULL: database or disk is full');
    this.stored.push(...pointsOf(batches));
  }
  async indexOutput() {
    if (this.failing) throw new Error('SQLITE_FULL: database or disk is full');
  }
  async heartbeat() {}
  async close() {}
}

describe('ResilientSink', () => {
  it('keeps points in memory while the store refuses them and writes them all once it recovers, warning once', async () => {
    const primary = new FlakySink();
    const warnings: string[] = [];
    const sink = new ResilientSink(primary, new FallbackSink(path.join(tempHome(), 'points.jsonl')), (m) => warnings.push(m));
    await sink.write(columnsOf([point(1), point(2)]), []);
    await sink.write(columnsOf([point(3)]), []);
    expect(primary.stored).toEqual([]);
    primary.failing = false;
    await sink.write(columnsOf([point(4)]), []);
    expect(primary.stored.map((p) => p.value)).toEqual([1, 2, 3, 4]);
    expect(new Set(warnings).size).toBe(1);
    expect(warnings[0]).toContain('database or disk is full');
  });

  it('puts what the store never took into the fallback file, NaN included, when it closes', async () => {
    const primary = new FlakySink();
    const file = path.join(tempHome(), 'fallback', 'points.jsonl');
    const warnings: string[] = [];
    const sink = new ResilientSink(primary, new FallbackSink(file), (m) => warnings.push(m));
    await sink.write(columnsOf([point(1), { ...point(2), value: Number.NaN }]), []);
    await sink.close();
    const lines = fs
      .readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.value)).toEqual([1, 'NaN']);
    expect(warnings.join('\n')).toContain(file);
  });

  it('writes straight to the fallback file when there is no store at all', async () => {
    const file = path.join(tempHome(), 'points.jsonl');
    const sink = new ResilientSink(undefined, new FallbackSink(file), () => {});
    await sink.write(columnsOf([point(7)]), []);
    expect(fs.readFileSync(file, 'utf8')).toContain('"value":7');
  });
});
