import type { IndexedPoints } from '../store.js';

// How the team server's store read API (/api/v1/store/...) carries what a Store returns: JSON that keeps NaN and
// ±Infinity, and points as raw float64 columns, so a remote read gives back exactly what a local one would.

/** The most runs, output index entries, points and output bytes one store API request returns. */
export const STORE_PAGE = { runs: 1000, chunks: 10_000, points: 50_000, bytes: 4 * 1024 * 1024 } as const;

/** JSON with non-finite numbers kept as `{ "$f": "NaN" }` (plain JSON turns them into null). */
export function toWireJson(value: unknown): string {
  return JSON.stringify(value, (_key, v) => (typeof v === 'number' && !Number.isFinite(v) ? { $f: String(v) } : v));
}

/** Reads what toWireJson wrote. */
export function fromWireJson<T>(text: string): T {
  return JSON.parse(text, (_key, v) => {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      const keys = Object.keys(v);
      if (keys.length === 1 && keys[0] === '$f' && typeof v.$f === 'string') return Number(v.$f);
    }
    return v;
  });
}

/** Points as four little-endian float64 columns (time, step, epoch, value), one after another. */
export function encodePoints(points: Omit<IndexedPoints, 'start'>): Uint8Array {
  const n = points.value.length;
  const out = new Float64Array(4 * n);
  out.set(points.time.subarray(0, n), 0);
  out.set(points.step.subarray(0, n), n);
  out.set(points.epoch.subarray(0, n), 2 * n);
  out.set(points.value, 3 * n);
  return littleEndian(new Uint8Array(out.buffer));
}

/** Reads what encodePoints wrote; `start` is the index of the first point. */
export function decodePoints(bytes: Uint8Array, start: number): IndexedPoints {
  if (bytes.length % 32 !== 0) throw new Error(`a points page must hold 32 bytes a point, got ${bytes.length} bytes`);
  const copy = littleEndian(bytes.slice());
  const all = new Float64Array(copy.buffer, copy.byteOffset, copy.length / 8);
  const n = all.length / 4;
  return { start, time: all.subarray(0, n), step: all.subarray(n, 2 * n), epoch: all.subarray(2 * n, 3 * n), value: all.subarray(3 * n) };
}

const bigEndianHost = new Uint8Array(new Float64Array([1]).buffer)[7] === 0;

/** Swaps float64 byte order in place on a big-endian machine, so the wire is little-endian everywhere. */
function littleEndian(bytes: Uint8Array): Uint8Array {
  if (bigEndianHost) for (let i = 0; i < bytes.length; i += 8) bytes.subarray(i, i + 8).reverse();
  return bytes;
}
