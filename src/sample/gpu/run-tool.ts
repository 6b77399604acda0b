import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** The full path of an executable on PATH, without running anything; undefined when there is none. */
export function findOnPath(command: string, pathVariable: string | undefined): string | undefined {
  for (const dir of (pathVariable ?? '').split(path.delimiter)) {
    if (dir === '') continue;
    const candidate = path.join(dir, command);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Runs a GPU tool and resolves with its stdout; rejects with its stderr's first line when it fails or hangs. */
export function runTool(file: string, args: string[], timeoutMs = 10_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error) {
        const why = stderr.trim().split('\n')[0] || stdout.trim().split('\n')[0] || error.message;
        reject(new Error(`${path.basename(file)} ${args[0] ?? ''} failed: ${why}`));
      } else resolve(stdout);
    });
  });
}
