import fs from 'node:fs';
import os from 'node:os';
import { parseAuxv } from './parse.js';

// One buffer for every read: the text is decoded from it before the next read.
let buffer = Buffer.allocUnsafe(64 * 1024);

/** Reads a whole file from offset 0 into the shared buffer; undefined when the read fails (ESRCH: the process has exited). */
function readFromStart(fd: number): Buffer | undefined {
  try {
    let length = 0;
    for (;;) {
      const wanted = buffer.length - length;
      const read = fs.readSync(fd, buffer, length, wanted, length);
      length += read;
      // procfs fills what it is asked for up to the end of the file: a short read is the end, and saves a second read call.
      if (read < wanted) return buffer.subarray(0, length);
      const bigger = Buffer.allocUnsafe(buffer.length * 2);
      buffer.copy(bigger);
      buffer = bigger;
    }
  } catch {
    return undefined;
  }
}

function closeQuietly(fd: number): void {
  try {
    fs.closeSync(fd);
  } catch {
    // already gone
  }
}

/**
 * Reads procfs files through descriptors kept open between readings. procfs makes a file's text afresh at each read from offset 0,
 * so one pread a reading replaces open, read and close; a kept /proc/<pid>/stat of a process that exited fails with ESRCH, even if
 * its pid was reused, so a reused pid is never mistaken for the old process.
 */
export class ProcFiles {
  private readonly kept = new Map<string, number>();
  private readonly maxKept: number;

  /** Files under `procDir` are kept open only when it is procfs or cgroupfs (a recorded tree on disk would replay its first reading). */
  constructor(procDir: string, maxKept = 512) {
    this.maxKept = isProcfs(procDir) ? maxKept : 0;
  }

  /** The file's text, or undefined when it cannot be read (a process that exited, a file this kernel lacks). */
  read(path: string): string | undefined {
    const bytes = this.readBytes(path);
    return bytes?.toString('latin1');
  }

  /** The file's bytes, valid until the next read. */
  readBytes(path: string): Buffer | undefined {
    const kept = this.kept.get(path);
    if (kept !== undefined) {
      const bytes = readFromStart(kept);
      if (bytes !== undefined) return bytes;
      closeQuietly(kept);
      this.kept.delete(path);
    }
    let fd: number;
    try {
      fd = fs.openSync(path, 'r');
    } catch {
      return undefined;
    }
    const bytes = readFromStart(fd);
    if (bytes === undefined || this.kept.size >= this.maxKept) closeQuietly(fd);
    else this.kept.set(path, fd);
    return bytes;
  }

  /** Closes the kept files for which `keep` says no. */
  retain(keep: (path: string) => boolean): void {
    for (const [path, fd] of this.kept) {
      if (keep(path)) continue;
      closeQuietly(fd);
      this.kept.delete(path);
    }
  }

  /** Closes every kept file. */
  close(): void {
    this.retain(() => false);
  }
}

// procfs, cgroup v1 and cgroup v2: file systems that make a file's text afresh at each read from offset 0.
const regeneratedOnRead = new Set([0x9fa0, 0x27e0eb, 0x63677270]);

function isProcfs(dir: string): boolean {
  try {
    return regeneratedOnRead.has(fs.statfsSync(dir).type);
  } catch {
    return false;
  }
}

/** Reads a whole procfs file once, keeping nothing open. */
export function readProcText(path: string): string | undefined {
  return new ProcFiles(path, 0).read(path);
}

/** The numeric entries of /proc: every process on the machine (in this pid namespace). */
export function listPids(procDir: string): number[] {
  const pids: number[] = [];
  for (const name of fs.readdirSync(procDir)) {
    const first = name.charCodeAt(0);
    if (first >= 48 && first <= 57) pids.push(Number(name));
  }
  return pids;
}

/** The kernel's page size and clock ticks per second, from /proc/self/auxv (the values sysconf would give). */
export function readKernelUnits(procDir: string): { pageSize: number; clockTicks: number } {
  const bytes = new ProcFiles(procDir, 0).readBytes(`${procDir}/self/auxv`);
  const wordBytes = process.arch === 'ia32' || process.arch === 'arm' ? 4 : 8;
  return parseAuxv(Buffer.from(bytes ?? []), wordBytes, os.endianness() === 'LE');
}
