import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { type JobProcess, type JobSpawnOptions, JobStartError } from './job-process.js';
import { closeDescriptor, duplicateDescriptor, setNonBlocking } from './os-pipe.js';

const require = createRequire(import.meta.url);

interface Pty {
  pid: number;
  /** The terminal's master side, which node-pty reads. */
  fd: number;
  onData(listener: (data: Buffer | string) => void): void;
  onExit(listener: (event: { exitCode: number; signal?: number }) => void): void;
  write(data: string | Buffer): void;
  resize(columns: number, rows: number): void;
  kill(signal?: string): void;
}

/** Finds `command` the way execvp would, so that a missing or non-executable command gives 127 or 126 up front. */
export function resolveCommand(command: string, env: NodeJS.ProcessEnv, cwd: string): string {
  const candidates = command.includes('/') ? [path.resolve(cwd, command)] : (env.PATH ?? '').split(path.delimiter).map((dir) => path.join(dir || '.', command));
  let sawNonExecutable = false;
  for (const candidate of candidates) {
    try {
      const stat = fs.statSync(candidate);
      fs.accessSync(candidate, fs.constants.X_OK);
      if (stat.isFile()) return candidate;
      sawNonExecutable = true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EACCES') sawNonExecutable = true;
    }
  }
  if (sawNonExecutable) throw new JobStartError(126, `command not executable: ${command}`);
  throw new JobStartError(127, `command not found: ${command}`);
}

/**
 * Starts the job on a pseudo-terminal, so that progress bars and colours behave exactly as without runmeter.
 * Its output is one stream (stdout). Our terminal goes raw and is forwarded, so Ctrl-C reaches the job as it would.
 */
export async function spawnWithTerminal(options: JobSpawnOptions, terminal: NodeJS.WriteStream): Promise<JobProcess> {
  const file = resolveCommand(options.command[0] as string, options.env, options.cwd);
  const pty = require('@lydell/node-pty') as { spawn(file: string, args: string[], options: Record<string, unknown>): Pty };
  const job = pty.spawn(file, options.command.slice(1), {
    name: options.env.TERM ?? 'xterm-256color',
    cols: terminal.columns ?? 80,
    rows: terminal.rows ?? 24,
    cwd: options.cwd,
    env: options.env,
    encoding: null,
  });
  const stdin = options.stdin;
  const forward = (data: Buffer) => job.write(data);
  if (stdin?.isTTY) stdin.setRawMode(true);
  stdin?.on('data', forward);
  const onResize = () => job.resize(terminal.columns ?? 80, terminal.rows ?? 24);
  terminal.on('resize', onResize);
  const listeners: Array<(stream: 'stdout' | 'stderr', chunk: Buffer) => void> = [];
  const emit = (chunk: Buffer) => {
    for (const listener of listeners) listener('stdout', chunk);
  };
  job.onData((data) => emit(typeof data === 'string' ? Buffer.from(data) : data));
  // node-pty stops reading 200 ms after the job exits, whether or not the terminal still holds output (its read had
  // not come round on a busy machine): that output was lost, on the screen and in the run. What it leaves is read
  // from a copy of the terminal's descriptor until the terminal ends (EIO: every process that had it is gone).
  const master = duplicateDescriptor(job.fd);
  if (master !== undefined) setNonBlocking(master, true);
  let stopped = false;
  const exited = new Promise<{ exitCode: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    job.onExit(({ exitCode, signal }) => {
      const name = signal
        ? (Object.entries(require('node:os').constants.signals as Record<string, number>).find(([, n]) => n === signal)?.[0] as NodeJS.Signals)
        : null;
      resolve({ exitCode: name ? null : exitCode, signal: name ?? null });
    });
  });
  const outputEnded = exited.then(async () => {
    if (master === undefined) return;
    await readRest(master, emit, () => stopped);
    closeDescriptor(master);
  });
  const detachInput = () => {
    stdin?.off('data', forward);
    if (stdin?.isTTY) stdin.setRawMode(false);
    stdin?.pause();
    terminal.off('resize', onResize);
  };
  return {
    pid: job.pid,
    onOutput: (listener) => listeners.push(listener),
    exited,
    outputEnded,
    stopReading() {
      stopped = true;
    },
    signalGroup(signal) {
      try {
        process.kill(-job.pid, signal);
      } catch {
        job.kill(signal);
      }
    },
    detachInput,
    // The terminal is one stream, and a terminal does not go away as a pipe's reader does.
    closeOutput() {},
  };
}

/**
 * Reads what is left on the terminal after node-pty stopped: until it ends (EIO, or 0), or until `stopped()` (the
 * output grace is over: a child the job left behind still holds the terminal).
 */
async function readRest(fd: number, emit: (chunk: Buffer) => void, stopped: () => boolean): Promise<void> {
  const buffer = Buffer.allocUnsafe(64 * 1024);
  for (;;) {
    let read: number;
    try {
      read = fs.readSync(fd, buffer, 0, buffer.length, null);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if ((code !== 'EAGAIN' && code !== 'EINTR') || stopped()) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
      continue;
    }
    if (read === 0) return;
    emit(Buffer.from(buffer.subarray(0, read)));
  }
}
