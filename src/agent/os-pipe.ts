import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const O_CLOEXEC = 0o2000000;

type Pipe2 = (fds: number[], flags: number) => number;
let pipe2: Pipe2 | null | undefined;

/**
 * A real pipe from pipe(2), both ends close-on-exec. Node gives a child's stdout a Unix socket pair, where a reader
 * that goes away gives the writer ECONNRESET; through a pipe the job meets EPIPE (Python's BrokenPipeError), exactly
 * as in a shell pipeline. Undefined where pipe2 cannot be called (not Linux, no koffi): the caller uses Node's own.
 */
export function createPipe(): { read: number; write: number } | undefined {
  if (pipe2 === undefined) {
    try {
      const koffi = require('koffi') as { load(name: string): { func(signature: string): Pipe2 } };
      pipe2 = koffi.load('libc.so.6').func('int pipe2(_Out_ int *fds, int flags)');
    } catch {
      pipe2 = null;
    }
  }
  if (pipe2 === null) return undefined;
  const fds = [-1, -1];
  if (pipe2(fds, O_CLOEXEC) !== 0) return undefined;
  return { read: fds[0] as number, write: fds[1] as number };
}
