/**
 * Points are stored in chunks of up to CHUNK_SIZE, column by column as float64, so NaN and ±Infinity survive
 * byte-exact and a chunk decodes without parsing. Each chunk also carries one summary per BLOCK_SIZE points,
 * which is what zoomed-out queries read instead of the points.
 */
export const CHUNK_SIZE = 4096;
export const BLOCK_SIZE = 64;

const HAS_STEP = 1;
const HAS_EPOCH = 2;
const HEADER_BYTES = 8;
/** Fields of one summary, in blob order: n, t0, t1, s0, s1, e0, e1, vmin, vmax, vlast. */
const SUMMARY_FIELDS = 10;
export const BLOCK_FIELDS = SUMMARY_FIELDS;

/** Column arrays of a run of points. Absent steps and epochs are NaN (a real step is always finite). */
export interface PointColumns {
  time: Float64Array;
  step: Float64Array;
  epoch: Float64Array;
  value: Float64Array;
}

/** Min/max/last over a run of points, and the x range they span on each axis (NaN when the axis is absent). */
export interface Summary {
  n: number;
  t0: number;
  t1: number;
  s0: number;
  s1: number;
  e0: number;
  e1: number;
  /** Smallest and largest value that is not NaN; NaN when all are. */
  vmin: number;
  vmax: number;
  vlast: number;
}

/** Encodes points [from, to) of the columns. */
export function encodePoints(columns: PointColumns, from: number, to: number): Buffer {
  const n = to - from;
  let flags = 0;
  for (let i = from; i < to; i++) {
    if (!Number.isNaN(columns.step[i] as number)) flags |= HAS_STEP;
    if (!Number.isNaN(columns.epoch[i] as number)) flags |= HAS_EPOCH;
  }
  const columnCount = 2 + (flags & HAS_STEP ? 1 : 0) + (flags & HAS_EPOCH ? 1 : 0);
  // Every byte is written below: no zero-filling first (it was a few % of the PostgreSQL server's CPU).
  const buffer = Buffer.allocUnsafeSlow(HEADER_BYTES + columnCount * n * 8);
  buffer.writeUInt32LE(n, 0);
  buffer.writeUInt32LE(flags, 4);
  const out = new Float64Array(buffer.buffer, buffer.byteOffset + HEADER_BYTES, columnCount * n);
  let column = 0;
  const put = (source: Float64Array) => {
    out.set(source.subarray(from, to), column * n);
    column++;
  };
  put(columns.time);
  if (flags & HAS_STEP) put(columns.step);
  if (flags & HAS_EPOCH) put(columns.epoch);
  put(columns.value);
  return buffer;
}

/** Decodes a chunk's points. */
export function decodePoints(blob: Uint8Array): PointColumns {
  // SQLite hands back blobs at any alignment; copy once so the columns can be Float64Array views.
  const aligned = new Uint8Array(blob.byteLength);
  aligned.set(blob);
  const view = new DataView(aligned.buffer);
  const n = view.getUint32(0, true);
  const flags = view.getUint32(4, true);
  let offset = HEADER_BYTES;
  const take = () => {
    const column = new Float64Array(aligned.buffer, offset, n);
    offset += n * 8;
    return column;
  };
  const time = take();
  const step = flags & HAS_STEP ? take() : new Float64Array(n).fill(Number.NaN);
  const epoch = flags & HAS_EPOCH ? take() : new Float64Array(n).fill(Number.NaN);
  const value = take();
  return { time, step, epoch, value };
}

/** One run of points from several in order (a chunk stored as parts). */
export function joinPoints(parts: readonly PointColumns[]): PointColumns {
  if (parts.length === 1) return parts[0] as PointColumns;
  const n = parts.reduce((sum, part) => sum + part.time.length, 0);
  const joined: PointColumns = { time: new Float64Array(n), step: new Float64Array(n), epoch: new Float64Array(n), value: new Float64Array(n) };
  let at = 0;
  for (const part of parts) {
    joined.time.set(part.time, at);
    joined.step.set(part.step, at);
    joined.epoch.set(part.epoch, at);
    joined.value.set(part.value, at);
    at += part.time.length;
  }
  return joined;
}

/** The summary of points [from, to). */
export function summarize(columns: PointColumns, from: number, to: number): Summary {
  const summary: Summary = {
    n: to - from,
    t0: Number.NaN,
    t1: Number.NaN,
    s0: Number.NaN,
    s1: Number.NaN,
    e0: Number.NaN,
    e1: Number.NaN,
    vmin: Number.NaN,
    vmax: Number.NaN,
    vlast: Number.NaN,
  };
  for (let i = from; i < to; i++) {
    const t = columns.time[i] as number;
    const s = columns.step[i] as number;
    const e = columns.epoch[i] as number;
    const v = columns.value[i] as number;
    if (!(t >= summary.t0)) summary.t0 = Number.isNaN(summary.t0) ? t : Math.min(summary.t0, t);
    if (!(t <= summary.t1)) summary.t1 = Number.isNaN(summary.t1) ? t : Math.max(summary.t1, t);
    if (!Number.isNaN(s)) {
      if (!(s >= summary.s0)) summary.s0 = Number.isNaN(summary.s0) ? s : Math.min(summary.s0, s);
      if (!(s <= summary.s1)) summary.s1 = Number.isNaN(summary.s1) ? s : Math.max(summary.s1, s);
    }
    if (!Number.isNaN(e)) {
      if (!(e >= summary.e0)) summary.e0 = Number.isNaN(summary.e0) ? e : Math.min(summary.e0, e);
      if (!(e <= summary.e1)) summary.e1 = Number.isNaN(summary.e1) ? e : Math.max(summary.e1, e);
    }
    if (!Number.isNaN(v)) {
      if (!(v >= summary.vmin)) summary.vmin = v;
      if (!(v <= summary.vmax)) summary.vmax = v;
    }
    summary.vlast = v;
  }
  return summary;
}

/** Encodes one summary per BLOCK_SIZE points of [from, to). */
export function encodeBlocks(columns: PointColumns, from: number, to: number): Buffer {
  const count = Math.ceil((to - from) / BLOCK_SIZE);
  const out = new Float64Array(count * SUMMARY_FIELDS);
  for (let b = 0; b < count; b++) {
    const start = from + b * BLOCK_SIZE;
    writeSummary(out, b, summarize(columns, start, Math.min(to, start + BLOCK_SIZE)));
  }
  return Buffer.from(out.buffer);
}

/** A chunk's block summaries as one flat array, BLOCK_FIELDS per block: no object per block on hot paths. */
export function blockColumns(blob: Uint8Array): Float64Array {
  const aligned = new Uint8Array(blob.byteLength);
  aligned.set(blob);
  return new Float64Array(aligned.buffer);
}

/** Where an axis' first and last x sit among a block's fields. */
export function blockRangeFields(axis: 'time' | 'step' | 'epoch'): [number, number] {
  return axis === 'time' ? [1, 2] : axis === 'step' ? [3, 4] : [5, 6];
}

/** Decodes a chunk's block summaries. */
export function decodeBlocks(blob: Uint8Array): Summary[] {
  const aligned = new Uint8Array(blob.byteLength);
  aligned.set(blob);
  const values = new Float64Array(aligned.buffer);
  const summaries: Summary[] = [];
  for (let b = 0; b * SUMMARY_FIELDS < values.length; b++) summaries.push(readSummary(values, b));
  return summaries;
}

function writeSummary(out: Float64Array, index: number, s: Summary): void {
  out.set([s.n, s.t0, s.t1, s.s0, s.s1, s.e0, s.e1, s.vmin, s.vmax, s.vlast], index * SUMMARY_FIELDS);
}

function readSummary(values: Float64Array, index: number): Summary {
  const at = (field: number) => values[index * SUMMARY_FIELDS + field] as number;
  return { n: at(0), t0: at(1), t1: at(2), s0: at(3), s1: at(4), e0: at(5), e1: at(6), vmin: at(7), vmax: at(8), vlast: at(9) };
}
