import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A running job, however it was started (pipes or a pseudo-terminal). */
export interface JobProcess {
  pid: number;
  /** Output as it arrives; with a terminal, everything comes as stdout. */
  onOutput(listener: (stream: 'stdout' | 'stderr', chunk: Buffer) => void): void;
  /** Resolves when the job has exited and all its output has been delivered. */
  exited: Promise<{ exitCode: number | null; signal: NodeJS.Signals | null }>;
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
}

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
  let child: ChildProcess;
  try {
    child = spawn(options.command[0] as string, options.command.slice(1), {
      cwd: options.cwd,
      env: options.env,
      stdio: [stdinMode, 'pipe', 'pipe'],
      detached: true,
    });
  } catch (error) {
    return Promise.reject(startError(options.command[0] as string, error, options.env));
  }
  return new Promise((resolve, reject) => {
    child.once('error', (error) => reject(startError(options.command[0] as string, error, options.env)));
    child.once('spawn', () => {
      const pid = child.pid as number;
      if (forwardTerminal && options.stdin && child.stdin) {
        child.stdin.on('error', () => {});
        options.stdin.pipe(child.stdin);
      }
      const exited = new Promise<{ exitCode: number | null; signal: NodeJS.Signals | null }>((done) => {
        // 'close' comes after 'exit' once both pipes are drained: all output has been delivered.
        child.once('close', (exitCode, signal) => done({ exitCode, signal }));
      });
      resolve({
        pid,
        onOutput(listener) {
          child.stdout?.on('data', (chunk: Buffer) => listener('stdout', chunk));
          child.stderr?.on('data', (chunk: Buffer) => listener('stderr', chunk));
        },
        exited,
        signalGroup: (signal) => signalGroup(pid, signal),
        detachInput() {
          if (forwardTerminal && options.stdin && child.stdin) {
            options.stdin.unpipe(child.stdin);
            options.stdin.pause();
          }
        },
        closeOutput(stream) {
          child[stream]?.destroy();
        },
      });
    });
  });
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
