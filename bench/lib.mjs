// Helpers shared by the benchmarks.
import { spawn } from 'node:child_process';

/** Prints one figure for run-all.mjs. */
export function report(figure) {
  console.log(`BENCH ${JSON.stringify(figure)}`);
}

/** Runs a command to completion; resolves with wall time (ms), exit code, and the child's rusage when available. */
export function timeCommand(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(command, args, { stdio: options.stdio ?? ['ignore', 'ignore', 'inherit'], env: options.env ?? process.env, cwd: options.cwd });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve({ ms: Number(process.hrtime.bigint() - start) / 1e6, code, signal }));
  });
}

/** The median of numbers. */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
