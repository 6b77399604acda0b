// A spool: batches on disk, in order, waiting for their sink. A recorder spools what its store or server cannot take
// yet; the next runmeter command that can reach that store ships what a dead recorder left (mergeSpools).
//
//   <base>/<runId>-XXXXXX/       mode 0700, made with mkdtemp (a name nobody could have planted)
//     spool.json                 whose batches these are, and where they were going
//     000000000042.batch         one encoded batch (model/batch-codec.ts), named by its seq; mode 0600
import fs from 'node:fs';
import path from 'node:path';
import type { RecordBatch } from '../model/batch.js';
import { decodeBatch, encodeBatch } from '../model/batch-codec.js';
import { isErrnoError } from '../model/errors.js';
import { formatBytes } from '../model/format.js';
import { makeDirectory } from '../store/make-directory.js';

/** What a spool's spool.json says. */
export interface SpoolMeta {
  runId: string;
  producer: string;
  /** The sink's location: the store path or server URL the batches were meant for. */
  location: string;
  /** The recording process, to tell whether it still runs (and so still owns the spool). */
  pid: number;
  agentId?: string;
  created: number;
}

const META = 'spool.json';

/** The output bytes a batch carries. */
function outputBytes(batch: RecordBatch): number {
  let bytes = 0;
  for (const piece of batch.output ?? []) bytes += piece.bytes?.byteLength ?? 0;
  return bytes;
}
const BATCH = /^\d{12}\.batch$/;
/** Opens a new file for writing only: never through a symbolic link, never over an existing file. */
const CREATE_FLAGS = fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW;

function writeNewFile(file: string, bytes: Uint8Array): void {
  const fd = fs.openSync(file, CREATE_FLAGS, 0o600);
  try {
    let done = 0;
    while (done < bytes.byteLength) done += fs.writeSync(fd, bytes, done, bytes.byteLength - done);
  } finally {
    fs.closeSync(fd);
  }
}

/** How much a spool may hold by default: past it, the oldest output in it is dropped (never a point). */
export const DEFAULT_SPOOL_BYTES = 1024 * 1024 * 1024;

/** The bound of a spool, and who is told when it is reached. */
export interface SpoolLimit {
  maxBytes: number;
  warn(message: string): void;
}

/** A spool being written by this process. Its folder is made on first use. */
export class Spool {
  private dir: string | undefined;
  /** The batch files this process wrote and has not removed: their size, and how much of it is output bytes. */
  private readonly files = new Map<string, { bytes: number; output: number }>();
  private bytes = 0;
  private dropped = 0;

  constructor(
    /** Folders to make the spool in, the first that works: runmeter's home, then a private folder under the temp dir. */
    private readonly bases: readonly string[],
    private readonly meta: SpoolMeta,
    private readonly limit: SpoolLimit = { maxBytes: DEFAULT_SPOOL_BYTES, warn: () => {} },
  ) {}

  /** Output bytes dropped to keep the spool within its bound. */
  get droppedOutputBytes(): number {
    return this.dropped;
  }

  /** The spool's folder, once made. */
  get folder(): string | undefined {
    return this.dir;
  }

  /** Writes a batch to the spool; returns its file. Throws when no base folder takes it (disk full, read-only). */
  write(batch: RecordBatch): string {
    const dir = this.open();
    const file = path.join(dir, `${String(batch.seq).padStart(12, '0')}.batch`);
    if (this.files.has(file)) return file; // the same batch spooled again (a retry): the same bytes, kept once
    let bytes = encodeBatch(batch);
    let output = outputBytes(batch);
    if (this.bytes + bytes.byteLength > this.limit.maxBytes) {
      this.makeRoom(bytes.byteLength);
      // Still too big (one batch holds more output than the spool has room for): its newest output that fits stays.
      if (this.bytes + bytes.byteLength > this.limit.maxBytes && output > 0) {
        const room = this.limit.maxBytes - this.bytes - (bytes.byteLength - output);
        bytes = this.withoutOutput(batch, Math.max(0, room));
        output = outputBytes(decodeBatch(bytes));
      }
    }
    try {
      writeNewFile(file, bytes);
    } catch (error) {
      // The same batch spooled again (a retry after a partial failure) is the same bytes: keep the first.
      if (!isErrnoError(error, 'EEXIST')) {
        fs.rmSync(file, { force: true });
        throw error;
      }
      return file;
    }
    this.files.set(file, { bytes: bytes.byteLength, output });
    this.bytes += bytes.byteLength;
    return file;
  }

  /** Removes a batch file whose batch was applied. */
  remove(file: string): void {
    fs.rmSync(file, { force: true });
    const known = this.files.get(file);
    if (known === undefined) return;
    this.files.delete(file);
    this.bytes -= known.bytes;
  }

  /** Drops the output of the oldest spooled batches (their points stay) until `needed` more bytes fit. */
  private makeRoom(needed: number): void {
    for (const [file, known] of this.files) {
      if (this.bytes + needed <= this.limit.maxBytes) return;
      if (known.output === 0) continue;
      const stripped = this.withoutOutput(readSpooledBatch(file));
      const temporary = `${file}.tmp`;
      writeNewFile(temporary, stripped);
      fs.renameSync(temporary, file);
      this.bytes += stripped.byteLength - known.bytes;
      this.files.set(file, { bytes: stripped.byteLength, output: 0 });
    }
  }

  /** The batch encoded without its output bytes, or with only its newest pieces that fit in `keepBytes`. */
  private withoutOutput(batch: RecordBatch, keepBytes = 0): Uint8Array {
    const pieces = batch.output ?? [];
    const keep = new Set<number>();
    let kept = 0;
    for (let i = pieces.length - 1; i >= 0; i--) {
      const size = pieces[i]?.bytes?.byteLength;
      // Output kept in the store's own files stays: its index entry is all the batch carries.
      if (size === undefined) keep.add(i);
      else if (kept + size <= keepBytes) {
        keep.add(i);
        kept += size;
      } else break;
    }
    for (let i = 0; i < pieces.length; i++) if (pieces[i]?.bytes === undefined) keep.add(i);
    const dropped = outputBytes(batch) - kept;
    if (this.dropped === 0 && dropped > 0) {
      this.limit.warn(
        `the spool for ${this.meta.location} reached its limit (${formatBytes(this.limit.maxBytes)}): the oldest output in it is dropped, every metric point is kept`,
      );
    }
    this.dropped += dropped;
    const { output: _dropped, ...rest } = batch;
    const output = pieces.filter((_, i) => keep.has(i));
    return encodeBatch(output.length > 0 ? { ...rest, output } : rest);
  }

  /** Removes the spool's folder when it holds no batches. */
  removeIfEmpty(): void {
    if (this.dir === undefined) return;
    if (listBatches(this.dir).length > 0) return;
    fs.rmSync(this.dir, { recursive: true, force: true });
    this.dir = undefined;
  }

  private open(): string {
    if (this.dir !== undefined) return this.dir;
    let lastError: unknown;
    for (const base of this.bases) {
      try {
        makePrivateDirectory(base);
        const dir = fs.mkdtempSync(path.join(base, `${this.meta.runId}-`));
        fs.chmodSync(dir, 0o700);
        writeNewFile(path.join(dir, META), new TextEncoder().encode(`${JSON.stringify(this.meta)}\n`));
        this.dir = dir;
        return dir;
      } catch (error) {
        lastError = error;
      }
    }
    throw lastError ?? new Error('no folder to spool to');
  }
}

/** Makes a folder only this user can enter, or checks that an existing one is: a real folder, ours, mode 0700. */
export function makePrivateDirectory(dir: string): void {
  makeDirectory(dir, 0o700);
  const stat = fs.lstatSync(dir);
  if (!stat.isDirectory()) throw new Error(`${dir} is not a folder`);
  if (typeof process.getuid === 'function' && stat.uid !== process.getuid()) throw new Error(`${dir} belongs to another user`);
  if ((stat.mode & 0o077) !== 0) fs.chmodSync(dir, 0o700);
}

/** The batch files of a spool folder, oldest first. */
export function listBatches(dir: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((name) => BATCH.test(name))
    .sort()
    .map((name) => path.join(dir, name));
}

/** A spool folder left on disk: its meta and its batch files, oldest first. */
export interface SpoolFolder {
  dir: string;
  meta: SpoolMeta;
  batches: string[];
}

/**
 * The spool folders under `bases` (or a base that is itself a spool), each with its meta; folders that are not ours,
 * links, or not spools are passed over.
 */
export function findSpools(bases: readonly string[]): SpoolFolder[] {
  const found: SpoolFolder[] = [];
  for (const base of bases) {
    const itself = spoolFolder(base);
    if (itself !== undefined) {
      found.push(itself);
      continue;
    }
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(base, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const entry of entries) {
      if (!entry.isDirectory()) continue;
      const spool = spoolFolder(path.join(base, entry.name));
      if (spool !== undefined) found.push(spool);
    }
  }
  return found;
}

/** The spool in `dir`, when it is one of this user's (not a link, not someone else's); undefined otherwise. */
function spoolFolder(dir: string): SpoolFolder | undefined {
  try {
    const stat = fs.lstatSync(dir);
    if (!stat.isDirectory()) return undefined;
    if (typeof process.getuid === 'function' && stat.uid !== process.getuid()) return undefined;
    const fd = fs.openSync(path.join(dir, META), fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
    try {
      const meta = JSON.parse(fs.readFileSync(fd, 'utf8')) as SpoolMeta;
      return { dir, meta, batches: listBatches(dir) };
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // Not a spool (or one being made right now): leave it.
    return undefined;
  }
}

/** Reads one spooled batch. */
export function readSpooledBatch(file: string): RecordBatch {
  const fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
  try {
    return decodeBatch(fs.readFileSync(fd));
  } finally {
    fs.closeSync(fd);
  }
}
