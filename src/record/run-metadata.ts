import { execFile } from 'node:child_process';
import os from 'node:os';

/** The user running runmeter, without failing where there is no passwd entry (some containers). */
export function currentUser(env: NodeJS.ProcessEnv = process.env): string {
  try {
    return os.userInfo().username;
  } catch {
    return env.USER ?? env.USERNAME ?? 'unknown';
  }
}

function git(cwd: string, args: string[]): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile('git', args, { cwd, timeout: 3000, maxBuffer: 1024 * 1024 }, (error, stdout) => resolve(error ? undefined : stdout));
  });
}

/** The commit checked out in `cwd` and whether the tree has changes, when `cwd` is in a git repository. */
export async function gitState(cwd: string): Promise<{ commit: string; dirty: boolean } | undefined> {
  const [head, status] = await Promise.all([git(cwd, ['rev-parse', 'HEAD']), git(cwd, ['status', '--porcelain', '--untracked-files=no'])]);
  if (head === undefined) return undefined;
  return { commit: head.trim(), dirty: (status ?? '').trim() !== '' };
}
