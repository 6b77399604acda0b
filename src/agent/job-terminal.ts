import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { type JobProcess, type JobSpawnOptions, JobStartError } from './job-process.js';

const require = createRequire(import.meta.url);

interface Pty {
  pid: number;
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
  job.onData((data) => {
    const chunk = typeof data === 'string' ? Buffer.from(data) : data;
    for (const listener of listeners) listener('stdout', chunk);
  });
  const exited = new Promise<{ exitCode: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    job.onExit(({ exitCode, signal }) => {
      const name = signal
        ? (Object.entries(require('node:os').constants.signals as Record<string, number>).find(([, n]) => n === signal)?.[0] as NodeJS.Signals)
        : null;
      // node-pty reports the exit before the last output is read: give it a moment to drain.
      setTimeout(() => resolve({ exitCode: name ? null : exitCode, signal: name ?? null }), 50);
    });
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
    // A terminal's output ends with its process; node-pty has read it all by the time `exited` resolves.
    outputEnded: exited.then(() => {}),
    stopReading() {},
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
