// What a failing job printed last, read for the cause of its end: pure text in, short findings out.

const longest = 240;

/** The tail's lines as a terminal would show them: colours dropped, `\r` redraws as lines, rank prefixes taken off. */
export function outputLines(text: string): string[] {
  const plain = text.replace(/\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)/g, '').replace(/\x1b\[[0-9;?]*[ -/]*[@-~]/g, '');
  const lines: string[] = [];
  for (const raw of plain.split(/\r\n|\r|\n/)) {
    // torchrun --tee writes `[default0]:`, PyTorch's distributed errors `[rank0]: `.
    const line = raw.replace(/^\[(?:rank|default)?\d+\]:\s?/, '').trimEnd();
    if (line.trim() !== '') lines.push(line);
  }
  return lines;
}

/** Cuts a finding to one short line. */
export function shorten(text: string, limit = longest): string {
  const line = text.trim().replace(/\s+/g, ' ');
  return line.length <= limit ? line : `${line.slice(0, limit - 1)}…`;
}

const tracebackStart = /^(?:Original )?Traceback \(most recent call last\):$/;
const childFailed = /\bChildFailedError\b/;

/**
 * The exception a Python traceback ended with (`ZeroDivisionError: division by zero`): the first unindented line after the last
 * `Traceback (most recent call last):`. torchrun's own `ChildFailedError` says only that a worker failed: the worker's traceback
 * before it, or its root-cause summary, says why.
 */
export function pythonException(lines: string[]): string | undefined {
  let skipFrom = lines.length;
  for (;;) {
    const start = lastIndexMatching(lines, tracebackStart, skipFrom);
    if (start < 0) return undefined;
    const exception = exceptionAfter(lines, start);
    if (exception === undefined || !childFailed.test(exception)) return exception === undefined ? undefined : shorten(exception);
    const earlier = lastIndexMatching(lines, tracebackStart, start);
    if (earlier < 0) return torchrunRootCause(lines) ?? shorten(exception);
    skipFrom = start;
  }
}

function exceptionAfter(lines: string[], start: number): string | undefined {
  for (let i = start + 1; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (/^\s/.test(line)) continue;
    // Python 3.11+ marks the failing expression with carets on a line of their own.
    if (/^[~^\s]+$/.test(line)) continue;
    return line;
  }
  return undefined;
}

/** torchrun's summary of the first worker that failed (`Root Cause (first observed failure):`, then its rank and exitcode). */
export function torchrunRootCause(lines: string[]): string | undefined {
  const start = lastIndexMatching(lines, /^Root Cause \(first observed failure\):/);
  if (start < 0) return undefined;
  const block = lines.slice(start + 1, start + 12);
  const rank = block.map((l) => /^\s*rank\s*:\s*(\d+)/.exec(l)?.[1]).find((r) => r !== undefined);
  const code = block.map((l) => /^\s*exitcode\s*:\s*(-?\d+)/.exec(l)?.[1]).find((c) => c !== undefined);
  if (rank === undefined || code === undefined) return undefined;
  const exit = Number(code);
  // A negative exitcode is the signal that ended the worker.
  const how = exit < 0 ? `killed by ${signalName(-exit) ?? `signal ${-exit}`}` : `exit ${exit}`;
  return `torchrun worker rank ${rank} failed (${how})`;
}

/** `CUDA out of memory` as PyTorch words it (both the 2.x and the older message), shortened to what was asked and what was free. */
export function cudaOutOfMemory(lines: string[]): string | undefined {
  const index = lastIndexMatching(lines, /CUDA out of memory/);
  if (index < 0) return undefined;
  const line = lines[index] ?? '';
  const asked = /Tried to allocate ([\d.]+ \w+?)\.?(?:\s|$|\()/.exec(line)?.[1];
  // 2.x: "GPU 0 has a total capacity of 79.10 GiB of which 3.06 GiB is free"; 1.x: "(GPU 0; 79.10 GiB total capacity; ...; 3.06 GiB free;"
  // (2.1 printed "capacty", and "0 bytes" when nothing is free.)
  const current = /GPU (\d+) has a total capac(?:i)?ty of ([\d.]+ \w+) of which ([\d.]+ \w+) is free/.exec(line);
  const older = /\(GPU (\d+); ([\d.]+ \w+) total capacity;.*?([\d.]+ \w+) free/.exec(line);
  const gpu = current ?? older;
  if (asked === undefined) return shorten(line.slice(line.indexOf('CUDA out of memory')));
  const where = gpu ? ` (GPU ${gpu[1]}: ${gpu[3]} free of ${gpu[2]})` : '';
  return `CUDA out of memory: tried to allocate ${asked}${where}`;
}

/** An NCCL failure: `NCCL error in: <file>:<line>, <what>, NCCL version X`, or the watchdog's collective timeout. */
export function ncclError(lines: string[]): string | undefined {
  const timeoutIndex = lastIndexMatching(lines, /Watchdog caught collective operation timeout/);
  if (timeoutIndex >= 0) {
    const line = lines[timeoutIndex] ?? '';
    const op = /OpType=(\w+)/.exec(line)?.[1];
    const ran = /ran for (\d+) milliseconds/.exec(line)?.[1];
    const limit = /Timeout\(ms\)=(\d+)/.exec(line)?.[1];
    if (op && ran) return `NCCL timeout: ${op} ran for ${ran} ms${limit ? ` (timeout ${limit} ms)` : ''}`;
    return shorten(line.slice(line.indexOf('Watchdog')));
  }
  const index = lastIndexMatching(lines, /NCCL error/);
  if (index < 0) return undefined;
  const line = lines[index] ?? '';
  // "NCCL error in: <file>:<line>, <what> (run with NCCL_DEBUG=INFO for details), NCCL version 2.19.3 <more>"
  const located = /NCCL error in: [^,]*, (.*)$/.exec(line)?.[1];
  if (located === undefined) return shorten(line.slice(line.indexOf('NCCL error')));
  const versionAt = located.indexOf(', NCCL version ');
  const what = (versionAt < 0 ? located : located.slice(0, versionAt)).replace(/\s*\(run with NCCL_DEBUG=INFO for details\)/, '');
  const version = versionAt < 0 ? undefined : /^, NCCL version ([\w.+-]+)/.exec(located.slice(versionAt))?.[1];
  return shorten(`NCCL error: ${what}${version ? ` (NCCL ${version})` : ''}`);
}

/** A C++ exception that ended the process: `terminate called after throwing an instance of 'X'` then `what():  message`. */
export function cxxTerminate(lines: string[]): string | undefined {
  const index = lastIndexMatching(lines, /^terminate called after throwing an instance of '([^']+)'/);
  if (index < 0) return undefined;
  const type = /'([^']+)'/.exec(lines[index] ?? '')?.[1] ?? 'exception';
  const what = /^\s*what\(\):\s*(.*)$/.exec(lines[index + 1] ?? '')?.[1];
  return shorten(what ? `${type}: ${what}` : `uncaught C++ ${type}`);
}

/** A shell's report that a process it ran was killed by SIGKILL: `Killed`, or `bash: line 1:  123 Killed  python x.py`. */
export function shellKilled(lines: string[]): boolean {
  return lines.slice(-5).some((line) => /^(?:.*: line \d+:\s+\d+\s+)?Killed\b/.test(line.trim()));
}

const errorWords = /\b(?:\w*error|fatal|\w*exception|failed|failure|cannot|can't|not found|no such file|permission denied|aborted|panic)\b/i;

/** The last line that reads like an error message, for jobs that are not Python (a shell script, a compiled program). */
export function lastErrorLine(lines: string[]): string | undefined {
  for (let i = lines.length - 1; i >= Math.max(0, lines.length - 20); i--) {
    const line = lines[i] ?? '';
    if (errorWords.test(line)) return shorten(line);
  }
  return undefined;
}

function lastIndexMatching(lines: string[], pattern: RegExp, before = lines.length): number {
  for (let i = Math.min(before, lines.length) - 1; i >= 0; i--) if (pattern.test(lines[i] ?? '')) return i;
  return -1;
}

const signalNames: Record<number, string> = { 1: 'SIGHUP', 2: 'SIGINT', 6: 'SIGABRT', 7: 'SIGBUS', 8: 'SIGFPE', 9: 'SIGKILL', 11: 'SIGSEGV', 15: 'SIGTERM' };

/** The name of a common signal by its Linux number. */
export function signalName(signal: number): string | undefined {
  return signalNames[signal];
}
