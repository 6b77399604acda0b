import fs from 'node:fs';
import os from 'node:os';
import { parseAuxv } from './parse.js';

// procfs files report size 0, so readFileSync would fstat and grow a buffer for each; one reused buffer and
// open/read/close is the cheapest way to read hundreds of them a second.
let buffer = Buffer.allocUnsafe(64 * 1024);

/** Reads a whole procfs file as text; undefined when it is gone (a process that exited, a file this kernel lacks). */
export function readProcText(path: string): string | undefined {
  const bytes = readProcBytes(path);
  return bytes === undefined ? undefined : bytes.toString('latin1');
}

/** Reads a whole procfs file; the bytes are valid until the next read. Undefined when it cannot be read. */
export function readProcBytes(path: string): Buffer | undefined {
  let fd: number;
  try {
    fd = fs.openSync(path, 'r');
  } catch {
    return undefined;
  }
  try {
    let length = 0;
    for (;;) {
      if (length === buffer.length) {
        const bigger = Buffer.allocUnsafe(buffer.length * 2);
        buffer.copy(bigger);
        buffer = bigger;
      }
      const read = fs.readSync(fd, buffer, length, buffer.length - length, null);
      if (read === 0) break;
      length += read;
    }
    return buffer.subarray(0, length);
  } catch {
    // ESRCH: the process exited between open and read.
    return undefined;
  } finally {
    fs.closeSync(fd);
  }
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
  const bytes = readProcBytes(`${procDir}/self/auxv`);
  const wordBytes = process.arch === 'ia32' || process.arch === 'arm' ? 4 : 8;
  return parseAuxv(Buffer.from(bytes ?? []), wordBytes, os.endianness() === 'LE');
}
