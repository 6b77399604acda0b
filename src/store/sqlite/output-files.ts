// The files beside the database: each run's output as append-only files, read back byte-exact.
import fs from 'node:fs';
import path from 'node:path';
import { isErrnoError, RunmeterError } from '../../model/errors.js';
import { makeDirectory } from '../make-directory.js';

/** Up to `length` bytes of a file from `offset`; none when the file does not exist. */
export function readFileRange(file: string, offset: number, length: number): Uint8Array {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (error) {
    if (isErrnoError(error, 'ENOENT')) return new Uint8Array(0);
    throw error;
  }
  try {
    const buffer = Buffer.alloc(length);
    const read = fs.readSync(fd, buffer, 0, length, offset);
    return buffer.subarray(0, read);
  } finally {
    fs.closeSync(fd);
  }
}

/** The size of a file, 0 when there is none. */
export function fileSize(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch (error) {
    if (isErrnoError(error, 'ENOENT')) return 0;
    throw error;
  }
}

/** The bytes of every file under a folder, 0 when there is none. */
export function directorySize(dir: string): number {
  let total = 0;
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    total += entry.isDirectory() ? directorySize(full) : fileSize(full);
  }
  return total;
}

/**
 * Writes `bytes` at `offset` of a file, creating it (mode 0600, its folder 0700) when needed. Never follows a
 * symbolic link at the file itself: a link planted where a run's output goes is refused, not written through.
 */
export function writeAt(file: string, bytes: Uint8Array, offset: number): void {
  makeDirectory(path.dirname(file), 0o700);
  const fd = fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_NOFOLLOW, 0o600);
  try {
    let done = 0;
    while (done < bytes.byteLength) done += fs.writeSync(fd, bytes, done, bytes.byteLength - done, offset + done);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Where a run's stream is kept: `<run>/<stream>.log`, or a joined run's member's `<run>/members/<member>/<stream>.log`.
 * A member key that is not a plain file name is refused (it comes from batches, which a server receives).
 */
export function memberOutputFile(runDir: string, stream: 'stdout' | 'stderr', member?: string): string {
  if (member === undefined) return path.join(runDir, `${stream}.log`);
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,80}$/.test(member)) throw new RunmeterError('E_BAD_MEMBER', `output member ${JSON.stringify(member)} is not a member key`);
  return path.join(runDir, 'members', member, `${stream}.log`);
}

/** The names in a folder, none when it does not exist. */
export function listDirectory(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch (error) {
    if (isErrnoError(error, 'ENOENT')) return [];
    throw error;
  }
}
