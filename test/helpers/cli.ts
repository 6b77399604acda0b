import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const cliPath = path.join(root, 'bin', 'runmeter');
export const jobsDir = path.join(root, 'test', 'fixtures', 'jobs');
/** Real data (logs, GPU tool outputs, ONNX graphs) copied from the team's shared fixtures, so a plain clone tests itself. */
export const realFixtures = path.resolve(root, 'test', 'fixtures', 'real');

/** A fresh RUNMETER_HOME in the temp directory. */
export function tempHome(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'runmeter-test-'));
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: Buffer;
}

/** Spawns `runmeter ARGS` as a user would, with RUNMETER_HOME set, and collects everything. */
export function startCli(
  args: string[],
  options: { home: string; env?: NodeJS.ProcessEnv; input?: string | Buffer; cwd?: string },
): { child: ChildProcess; done: Promise<CliResult> } {
  const env: NodeJS.ProcessEnv = { ...process.env, PYTHONUNBUFFERED: undefined, RUNMETER_HOME: options.home, RUNMETER_STORE: '', ...options.env };
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
  const child = spawn(process.execPath, [cliPath, ...args], {
    cwd: options.cwd ?? root,
    env,
    stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));
  if (options.input !== undefined) child.stdin?.end(options.input);
  const done = new Promise<CliResult>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, stdout: Buffer.concat(stdout), stderr: Buffer.concat(stderr) }));
  });
  return { child, done };
}

/** Runs `runmeter ARGS` to completion. */
export function runCli(args: string[], options: { home: string; env?: NodeJS.ProcessEnv; input?: string | Buffer; cwd?: string }): Promise<CliResult> {
  return startCli(args, options).done;
}

/** `runmeter show RUN --json`, parsed. */
export async function showJson(home: string, ref = 'last'): Promise<{ run: Record<string, unknown>; series: Array<Record<string, unknown>> }> {
  const result = await runCli(['show', ref, '--json'], { home });
  if (result.code !== 0) throw new Error(`show failed: ${result.stderr.toString()}`);
  return JSON.parse(result.stdout.toString());
}

/** `runmeter ls --json` (with more flags), its runs parsed. */
export async function lsJson(home: string, flags: string[] = []): Promise<Array<Record<string, unknown> & { name: string; status: string }>> {
  const result = await runCli(['ls', '--json', ...flags], { home });
  if (result.code !== 0) throw new Error(`ls failed: ${result.stderr.toString()}`);
  return (JSON.parse(result.stdout.toString()) as { runs: Array<Record<string, unknown> & { name: string; status: string }> }).runs;
}

/** Waits until `predicate` holds, polling. */
export async function waitFor(predicate: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await predicate()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}
