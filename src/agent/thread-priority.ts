import fs from 'node:fs';
import os from 'node:os';

/**
 * Lowers the calling thread's scheduling priority by `nice` (Linux: setpriority on a thread id moves that thread
 * alone). Best effort: elsewhere, or where it is refused, nothing changes.
 */
export function lowerThreadPriority(nice: number): void {
  try {
    const tid = Number(fs.readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isSafeInteger(tid) && tid > 0) os.setPriority(tid, Math.min(19, os.getPriority(tid) + nice));
  } catch {
    // Not Linux, or not allowed: the thread keeps its priority.
  }
}
