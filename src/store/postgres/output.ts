// A run's output in PostgreSQL: the bytes as pieces at their offsets, and the arrival index beside them.
import type { OutputPiece } from '../../model/batch.js';
import type { OutputChunk, OutputStream } from '../../model/output.js';
import type { Client, Database } from './connection.js';

export const streamCode = { stdout: 1, stderr: 2 } as const;
const streamName = (code: number): OutputStream => (code === 2 ? 'stderr' : 'stdout');

/** Stores the bytes of pieces that carry them (a piece stored before stays as it was) and indexes every piece. */
export async function writeOutput(client: Client, runId: string, pieces: readonly OutputPiece[]): Promise<void> {
  for (const piece of pieces) {
    if (piece.bytes === undefined || piece.bytes.byteLength === 0) continue;
    await client.query({
      name: 'rm_output_bytes',
      text: `INSERT INTO output_bytes (run_id, stream, byte_offset, length, bytes, member) VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (run_id, stream, member, byte_offset) DO NOTHING`,
      values: [
        runId,
        streamCode[piece.stream],
        piece.offset,
        piece.bytes.byteLength,
        Buffer.from(piece.bytes.buffer, piece.bytes.byteOffset, piece.bytes.byteLength),
        piece.member ?? '',
      ],
    });
  }
  await indexOutput(client, runId, pieces);
}

/** Records index entries, in order. */
export async function indexOutput(client: Client, runId: string, chunks: readonly OutputChunk[]): Promise<void> {
  if (chunks.length === 0) return;
  await client.query({
    name: 'rm_output_index',
    text: `INSERT INTO output_chunks (run_id, stream, byte_offset, length, time, member)
           SELECT $1, s, o, l, t, m FROM unnest($2::smallint[], $3::bigint[], $4::bigint[], $5::float8[], $6::text[]) WITH ORDINALITY AS u(s, o, l, t, m, i) ORDER BY i`,
    values: [
      runId,
      chunks.map((c) => streamCode[c.stream]),
      chunks.map((c) => c.offset),
      chunks.map((c) => c.length),
      chunks.map((c) => c.time),
      chunks.map((c) => c.member ?? null),
    ],
  });
}

/** The bytes stored for a stream: the end of its last piece; without `member`, the run's own and its members' together. */
export async function outputSize(db: Database | Client, runId: string, stream: OutputStream, member?: string): Promise<number> {
  const sql =
    member === undefined
      ? {
          name: 'rm_output_size_all',
          text: `SELECT coalesce(sum(size), 0)::float8 AS size FROM (SELECT max(byte_offset + length) AS size FROM output_bytes
                 WHERE run_id = $1 AND stream = $2 GROUP BY member) m`,
        }
      : {
          name: 'rm_output_size',
          text: 'SELECT byte_offset + length AS size FROM output_bytes WHERE run_id = $1 AND stream = $2 AND member = $3 ORDER BY byte_offset DESC LIMIT 1',
        };
  const values = member === undefined ? [runId, streamCode[stream]] : [runId, streamCode[stream], member];
  const rows = 'transaction' in db ? await db.query<{ size: number }>(sql, values) : ((await db.query({ ...sql, values })).rows as Array<{ size: number }>);
  return rows[0]?.size ?? 0;
}

/** `length` bytes of a stream from `offset` (fewer at its end), from the pieces that cover them. */
export async function readOutput(db: Database, runId: string, stream: OutputStream, offset: number, length: number, member = ''): Promise<Uint8Array> {
  if (length <= 0) return new Uint8Array(0);
  const rows = await db.query<{ byte_offset: number; bytes: Buffer }>(
    `SELECT byte_offset, bytes FROM output_bytes
             WHERE run_id = $1 AND stream = $2 AND member = $5 AND byte_offset < $4::bigint
               AND byte_offset >= coalesce((SELECT max(byte_offset) FROM output_bytes
                                            WHERE run_id = $1 AND stream = $2 AND member = $5 AND byte_offset <= $3::bigint), 0)
             ORDER BY byte_offset`,
    [runId, streamCode[stream], offset, offset + length, member],
  );
  const out = Buffer.alloc(length);
  let end = 0;
  for (const row of rows) {
    const at = row.byte_offset - offset;
    const from = Math.max(0, -at);
    const copied = row.bytes.copy(out, Math.max(0, at), from, Math.min(row.bytes.length, from + length - Math.max(0, at)));
    end = Math.max(end, Math.max(0, at) + copied);
  }
  return out.subarray(0, end);
}

/** The output index, in arrival order. */
export async function outputChunks(db: Database, runId: string, page?: { offset: number; limit: number }): Promise<OutputChunk[]> {
  const rows = await db.query<{ stream: number; offset: number; length: number; time: number; member: string | null }>(
    'SELECT stream, byte_offset AS "offset", length, time, member FROM output_chunks WHERE run_id = $1 ORDER BY seq LIMIT $2 OFFSET $3',
    [runId, page?.limit ?? null, page?.offset ?? 0],
  );
  return rows.map((row) => ({
    stream: streamName(row.stream),
    offset: row.offset,
    length: row.length,
    time: row.time,
    ...(row.member === null ? {} : { member: row.member }),
  }));
}
