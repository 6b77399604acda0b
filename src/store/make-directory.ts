import fs from 'node:fs';
import path from 'node:path';

/**
 * Creates a folder and its missing parents, one level at a time, with `mode` (before the umask) for the folders it
 * makes. `mkdirSync(dir, { recursive: true })` spins for ever on Node 20 where a parent refuses new entries with
 * ENOENT (under /proc, say); this fails with that error.
 */
export function makeDirectory(dir: string, mode = 0o777): void {
  const absolute = path.resolve(dir);
  try {
    if (fs.statSync(absolute).isDirectory()) return;
  } catch {
    // Not there yet: create it below.
  }
  const parts = absolute.split(path.sep).filter((part) => part !== '');
  let at = path.parse(absolute).root;
  for (const part of parts) {
    at = path.join(at, part);
    try {
      fs.mkdirSync(at, mode);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}
