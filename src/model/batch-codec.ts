// The bytes of a RecordBatch, as a spool file holds it and as the HTTP sink sends it: a JSON header, then every
// series' columns as raw little-endian float64 (NaN and ±Infinity exact, no text per point), then the output bytes.
//
//   "RMB1" | header length (u32 LE) | header (JSON, UTF-8) | padding to 8 | columns | output bytes
import type { RecordBatch } from './batch.js';
import type { SeriesColumns } from './columns.js';
import { RunmeterError } from './errors.js';
import { runStatuses } from './run.js';
import type { SeriesKey } from './series.js';

const MAGIC = 0x31424d52; // "RMB1" read as a little-endian u32
const PREFIX = 8;

interface BatchHeader extends Omit<RecordBatch, 'series' | 'output'> {
  series: Array<{ key: SeriesKey; n: number }>;
  output: Array<{ stream: 'stdout' | 'stderr'; offset: number; length: number; time: number; bytes: boolean; member?: string }>;
}

const littleEndian = new Uint8Array(new Float64Array([1]).buffer)[7] === 0x3f;

function malformed(what: string): RunmeterError {
  return new RunmeterError('E_BATCH', `malformed batch: ${what}`, { exitCode: 2 });
}

/** Encodes a batch into one buffer. */
export function encodeBatch(batch: RecordBatch): Uint8Array {
  if (!littleEndian) throw new RunmeterError('E_BATCH', 'batches are encoded on little-endian machines only');
  const { series = [], output = [], ...rest } = batch;
  const header: BatchHeader = {
    ...rest,
    series: series.map((s) => ({ key: s.series, n: s.n })),
    output: output.map((o) => ({
      stream: o.stream,
      offset: o.offset,
      length: o.length,
      time: o.time,
      bytes: o.bytes !== undefined,
      ...(o.member === undefined ? {} : { member: o.member }),
    })),
  };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const columnsAt = align8(PREFIX + json.length);
  let points = 0;
  for (const s of series) points += s.n;
  let outputBytes = 0;
  for (const o of output) if (o.bytes !== undefined) outputBytes += o.bytes.byteLength;
  const total = columnsAt + points * 32 + outputBytes;
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, json.length, true);
  out.set(json, PREFIX);
  const floats = new Float64Array(out.buffer, columnsAt, points * 4);
  let at = 0;
  for (const s of series) {
    for (const column of [s.time, s.step, s.epoch, s.value]) {
      floats.set(column.subarray(0, s.n), at);
      at += s.n;
    }
  }
  let byteAt = columnsAt + points * 32;
  for (const o of output) {
    if (o.bytes === undefined) continue;
    out.set(o.bytes, byteAt);
    byteAt += o.bytes.byteLength;
  }
  return out;
}

/** Decodes what encodeBatch made; throws E_BATCH, saying what is wrong, for anything else. */
export function decodeBatch(bytes: Uint8Array): RecordBatch {
  if (bytes.byteLength < PREFIX) throw malformed(`${bytes.byteLength} bytes is too short`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) !== MAGIC) throw malformed('it does not start with "RMB1"');
  const headerLength = view.getUint32(4, true);
  if (PREFIX + headerLength > bytes.byteLength) throw malformed(`its header needs ${headerLength} bytes, ${bytes.byteLength - PREFIX} are there`);
  let header: BatchHeader;
  try {
    header = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset + PREFIX, headerLength).toString('utf8')) as BatchHeader;
  } catch (error) {
    throw malformed(`its header is not JSON (${(error as Error).message})`);
  }
  checkHeader(header);
  let points = 0;
  for (const s of header.series) points += s.n;
  const columnsAt = align8(PREFIX + headerLength);
  let outputBytes = 0;
  for (const o of header.output) if (o.bytes) outputBytes += o.length;
  const expected = columnsAt + points * 32 + outputBytes;
  if (bytes.byteLength !== expected) throw malformed(`its header describes ${expected} bytes, ${bytes.byteLength} are there`);
  // Every series' columns are views into the bytes when they sit at a multiple of 8 (a body read into a buffer of
  // its own), else into one aligned copy of them.
  let floats: Float64Array;
  if ((bytes.byteOffset + columnsAt) % 8 === 0) floats = new Float64Array(bytes.buffer, bytes.byteOffset + columnsAt, points * 4);
  else {
    floats = new Float64Array(points * 4);
    new Uint8Array(floats.buffer).set(bytes.subarray(columnsAt, columnsAt + points * 32));
  }
  let at = 0;
  const take = (n: number) => {
    const column = floats.subarray(at, at + n);
    at += n;
    return column;
  };
  const series: SeriesColumns[] = header.series.map((s) => ({ series: s.key, n: s.n, time: take(s.n), step: take(s.n), epoch: take(s.n), value: take(s.n) }));
  let byteAt = columnsAt + points * 32;
  const output = header.output.map((o) => {
    const piece: NonNullable<RecordBatch['output']>[number] = { stream: o.stream, offset: o.offset, length: o.length, time: o.time };
    if (o.member !== undefined) piece.member = o.member;
    if (o.bytes) {
      piece.bytes = bytes.slice(byteAt, byteAt + o.length);
      byteAt += o.length;
    }
    return piece;
  });
  const { series: _series, output: _output, ...rest } = header;
  const batch: RecordBatch = { ...rest };
  if (series.length > 0) batch.series = series;
  if (output.length > 0) batch.output = output;
  return batch;
}

function align8(n: number): number {
  return (n + 7) & ~7;
}

const isCount = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;

function checkHeader(header: BatchHeader): void {
  if (typeof header !== 'object' || header === null) throw malformed('its header is not an object');
  if (typeof header.runId !== 'string' || !/^[0-9a-z_-]{1,64}$/i.test(header.runId)) throw malformed(`runId ${JSON.stringify(header.runId)} is not a run id`);
  if (typeof header.producer !== 'string' || header.producer === '' || header.producer.length > 200)
    throw malformed('producer must be a string of 1 to 200 characters');
  if (!isCount(header.seq) || header.seq < 1) throw malformed(`seq ${JSON.stringify(header.seq)} is not a positive integer`);
  if (!Array.isArray(header.series) || !Array.isArray(header.output)) throw malformed('series and output must be arrays');
  for (const s of header.series) {
    if (typeof s !== 'object' || s === null || !isCount(s.n)) throw malformed('a series has no point count');
    const key = s.key;
    if (typeof key !== 'object' || key === null || typeof key.name !== 'string' || key.name === '' || typeof key.kind !== 'string') {
      throw malformed(`series key ${JSON.stringify(key)} has no name or kind`);
    }
  }
  for (const o of header.output) {
    if (typeof o !== 'object' || o === null || (o.stream !== 'stdout' && o.stream !== 'stderr'))
      throw malformed('an output piece names no stream (stdout or stderr)');
    if (!isCount(o.offset) || !isCount(o.length) || typeof o.time !== 'number') throw malformed('an output piece has no offset, length or time');
    if (o.member !== undefined && (typeof o.member !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,80}$/.test(o.member)))
      throw malformed(`output member ${JSON.stringify(o.member)} is not a member key`);
  }
  const member = header.member;
  if (member !== undefined && (typeof member !== 'object' || member === null || typeof member.key !== 'string' || typeof member.node !== 'string'))
    throw malformed('member must be an object with a key and a node');
  if (member !== undefined && member.status !== undefined && !runStatuses.includes(member.status))
    throw malformed(`member status ${JSON.stringify(member.status)} is not one of ${runStatuses.join(', ')}`);
}
