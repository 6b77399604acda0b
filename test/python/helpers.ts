import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { type CliResult, cliPath, root } from '../helpers/cli.js';

/** Debian's Python, where python3-torch and the others are installed (the `python3` first on PATH may be another). */
export const python = fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
export const hasPython = spawnSync(python, ['-c', 'import sys; assert sys.version_info >= (3, 9)'], { stdio: 'ignore' }).status === 0;
export const hasTorch = hasPython && spawnSync(python, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;
export const fixture = (name: string) => path.join(root, 'test', 'python', 'fixtures', name);

/** The environment of a Python program outside `runmeter run`: the client on PYTHONPATH, runmeter as RUNMETER_BIN. */
export function clientEnv(home: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    RUNMETER_HOME: home,
    RUNMETER_STORE: '',
    RUNMETER_BIN: cliPath,
    PYTHONPATH: path.join(root, 'python'),
    PYTHONDONTWRITEBYTECODE: '1',
    ...extra,
  };
  for (const key of ['RUNMETER_CHANNEL', 'RUNMETER_RUN_ID', 'RUNMETER_SERVER']) delete env[key];
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
  return env;
}

/** Starts a Python script outside `runmeter run`. */
export function startPython(args: string[], env: NodeJS.ProcessEnv): { child: ChildProcess; done: Promise<CliResult> } {
  const child = spawn(python, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));
  const done = new Promise<CliResult>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, stdout: Buffer.concat(stdout), stderr: Buffer.concat(stderr) }));
  });
  return { child, done };
}

/** Runs a Python script outside `runmeter run` to its end. */
export function runPython(args: string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  return startPython(args, env).done;
}
