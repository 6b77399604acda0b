import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { MessagePort } from 'node:worker_threads';
import type { OutputStream } from '../model/output.js';
import { createPipe, growPipe } from './os-pipe.js';
import { Pump, type PumpResult } from './pump.js';

/** A running job, however it was started (pipes or a pseudo-terminal). */
export interface JobProcess {
  pid: number;
  /**
   * Output as it arrives; with a terminal, everything comes as stdout. With a pump, only what the main thread reads
   * should the pump thread fail, after `resume` is told where the pump left off.
   */
  onOutput(listener: (stream: 'stdout' | 'stderr', chunk: Buffer) => void, resume?: (offsets: Record<OutputStream, number>, tail: string) => void): void;
  /** With a pump: how it ended, once the output is over. */
  pumped?: Promise<PumpResult>;
  /** Resolves when the job's own process has exited: the end of the run, whatever its children still do. */
  exited: Promise<{ exitCode: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves when every writer of the job's output has closed it (children that outlive the job keep it open). */
  outputEnded: Promise<void>;
  /** Stops reading the job's output: what children still write after the grace period goes nowhere runmeter sees. */
  stopReading(): void;
  /** Sends a signal to the job's whole process group. */
  signalGroup(signal: NodeJS.Signals): void;
  /** Stops forwarding our stdin. */
  detachInput(): void;
  /** Stops reading one of the job's streams (its reader went away): the job's next write there fails, as it would without runmeter. */
  closeOutput(stream: 'stdout' | 'stderr'): void;
}

export interface JobSpawnOptions {
  command: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdin: NodeJS.ReadStream | undefined;
  /**
   * Pass the output on from a pump thread straight to these descriptors, recording it in `files` and telling the
   * ingest worker through `ingest` (Linux): the main thread never touches it. Without, it comes through `onOutput`.
   */
  pump?: { to: Record<OutputStream, number>; files: Record<OutputStream, string>; ingest: MessagePort; warn: (message: string) => void };
}

/** How much a job's pipe holds (Linux's default is 64 KB; 1 MB is what any user may ask for). */
const PIPE_BYTES = 1 << 20;

/** Why a job could not start: the exit status a shell would give (127 not found, 126 not executable). */
export class JobStartError extends Error {
  constructor(
    readonly exitCode: 126 | 127,
    message: string,
  ) {
    super(message);
  }
}

/** Whether this process is in its terminal's foreground process group (Linux; elsewhere assumed). */
function inForeground(): boolean {
  try {
    const stat = fs.readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[2] === fields[5];
  } catch {
    return true;
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // Already gone.
    }
  }
}

/**
 * Starts the job with pipes, in its own process group so that signals reach all of it. A terminal on our stdin
 * is read and forwarded only while we are in the foreground (reading it from the background would stop us);
 * any other stdin (file, pipe, /dev/null) is handed to the job as it is.
 */
export function spawnWithPipes(options: JobSpawnOptions): Promise<JobProcess> {
  const stdinIsTerminal = options.stdin?.isTTY === true;
  const forwardTerminal = stdinIsTerminal && inForeground();
  const stdinMode = stdinIsTerminal ? (forwardTerminal ? 'pipe' : 'ignore') : 'inherit';
  const pipes = { stdout: createPipe(), stderr: createPipe() };
  const closeWriteEnds = () => {
    for (const pipe of Object.values(pipes)) if (pipe !== undefined) fs.closeSync(pipe.write);
  };
  let child: ChildProcess;
  try {
    child = spawn(options.command[0] as string, options.command.slice(1), {
      cwd: options.cwd,
      env: options.env,
      stdio: [stdinMode, pipes.stdout?.write ?? 'pipe', pipes.stderr?.write ?? 'pipe'],
      detached: true,
    });
  } catch (error) {
    closeWriteEnds();
    for (const pipe of Object.values(pipes)) if (pipe !== undefined) fs.closeSync(pipe.read);
    return Promise.reject(startError(options.command[0] as string, error, options.env));
  }
  // The job has its copies of the write ends now; ours would keep the pipes from ever ending.
  closeWriteEnds();
  let listener: (stream: OutputStream, chunk: Buffer) => void = () => {};
  let resume: (offsets: Record<OutputStream, number>, tail: string) => void = () => {};
  const pump =
    options.pump !== undefined && pipes.stdout !== undefined && pipes.stderr !== undefined
      ? startPump({ stdout: pipes.stdout.read, stderr: pipes.stderr.read }, options.pump, (offsets, tail) => {
          resume(offsets, tail);
          return (stream, chunk) => listener(stream, chunk);
        })
      : undefined;
  const socket = (pipe: { read: number } | undefined, own: Readable | null) =>
    pipe === undefined ? own : pump === undefined ? new net.Socket({ fd: pipe.read, readable: true, writable: false }) : null;
  const readers: Record<'stdout' | 'stderr', Readable | null> = { stdout: socket(pipes.stdout, child.stdout), stderr: socket(pipes.stderr, child.stderr) };
  const ended = (reader: Readable | null) =>
    new Promise<void>((resolve) => {
      if (reader === null) resolve();
      else reader.once('close', () => resolve());
    });
  return new Promise((resolve, reject) => {
    child.once('error', (error) => {
      pump?.stop();
      for (const reader of Object.values(readers)) reader?.destroy();
      reject(startError(options.command[0] as string, error, options.env));
    });
    child.once('spawn', () => {
      const pid = child.pid as number;
      if (forwardTerminal && options.stdin && child.stdin) {
        child.stdin.on('error', () => {});
        options.stdin.pipe(child.stdin);
      }
      const exited = new Promise<{ exitCode: number | null; signal: NodeJS.Signals | null }>((done) => {
        child.once('exit', (exitCode, signal) => done({ exitCode, signal }));
      });
      resolve({
        pid,
        onOutput(take, resumeAt) {
          listener = take;
          if (resumeAt !== undefined) resume = resumeAt;
          readers.stdout?.on('data', (chunk: Buffer) => take('stdout', chunk));
          readers.stderr?.on('data', (chunk: Buffer) => take('stderr', chunk));
        },
        ...(pump === undefined ? {} : { pumped: pump.done }),
        exited,
        outputEnded: pump?.ended ?? Promise.all([ended(readers.stdout), ended(readers.stderr)]).then(() => {}),
        stopReading() {
          pump?.stop();
          readers.stdout?.destroy();
          readers.stderr?.destroy();
        },
        signalGroup: (signal) => signalGroup(pid, signal),
        detachInput() {
          if (forwardTerminal && options.stdin && child.stdin) {
            options.stdin.unpipe(child.stdin);
            options.stdin.pause();
          }
        },
        closeOutput(stream) {
          readers[stream]?.destroy();
        },
      });
    });
  });
}

/** The pump thread on the job's pipes (grown so that a burst of output never waits on it); undefined if it cannot start. */
function startPump(
  from: Record<OutputStream, number>,
  options: NonNullable<JobSpawnOptions['pump']>,
  takeOver: ConstructorParameters<typeof Pump>[2],
): Pump | undefined {
  growPipe(from.stdout, PIPE_BYTES);
  growPipe(from.stderr, PIPE_BYTES);
  try {
    return new Pump({ from, to: options.to, files: options.files, ingest: options.ingest }, options.warn, takeOver);
  } catch {
    return undefined;
  }
}

function startError(command: string, error: unknown, env: NodeJS.ProcessEnv): Error {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') {
    const script = findProgram(command, env);
    const interpreter = script === undefined ? undefined : shebang(script);
    return new JobStartError(
      127,
      interpreter === undefined ? `command not found: ${command}` : `cannot run ${command}: its interpreter ${interpreter} (from its #! line) was not found`,
    );
  }
  if (code === 'EACCES' || code === 'EISDIR' || code === 'ENOEXEC') return new JobStartError(126, `command not executable: ${command} (${code})`);
  return error instanceof Error ? error : new Error(String(error));
}

/** The file a command names: itself when it has a slash, else the first match on PATH. */
function findProgram(command: string, env: NodeJS.ProcessEnv): string | undefined {
  const candidates = command.includes('/') ? [command] : (env.PATH ?? '').split(':').map((dir) => path.join(dir || '.', command));
  return candidates.find((file) => {
    try {
      return fs.statSync(file).isFile();
    } catch {
      return false;
    }
  });
}

/** The interpreter a script's `#!` line names, if it has one. */
function shebang(file: string): string | undefined {
  try {
    const head = Buffer.alloc(256);
    const fd = fs.openSync(file, 'r');
    const read = fs.readSync(fd, head, 0, head.length, 0);
    fs.closeSync(fd);
    const line = head.subarray(0, read).toString('latin1').split('\n')[0] as string;
    return line.startsWith('#!') ? line.slice(2).trim().split(/\s+/)[0] : undefined;
  } catch {
    return undefined;
  }
}

/** The exit status a shell reports for a signal: 128 + its number. */
export function signalExitCode(signal: NodeJS.Signals): number {
  return 128 + (os.constants.signals[signal] ?? 0);
}
