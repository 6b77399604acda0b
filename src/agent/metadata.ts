import { execFile } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';

const interpreters = new Set([
  'python',
  'python3',
  'node',
  'bash',
  'sh',
  'zsh',
  'ruby',
  'perl',
  'Rscript',
  'julia',
  'deno',
  'bun',
  'tsx',
  'uv',
  'torchrun',
  'accelerate',
  'deepspeed',
  'mpirun',
  'srun',
]);
const scriptExtension = /\.(py|ipynb|js|mjs|cjs|ts|sh|rb|pl|r|jl|lua)$/i;

/** The default run name: the script's file name (`train.py` for `python train.py --lr 0.1`), else the command's. */
export function defaultRunName(command: readonly string[]): string {
  const program = path.basename(command[0] ?? 'run');
  const base = program.replace(/\d+(\.\d+)*$/, '');
  if (interpreters.has(program) || interpreters.has(base)) {
    for (let i = 1; i < command.length; i++) {
      const arg = command[i] as string;
      if (arg === '-m' && command[i + 1]) return command[i + 1] as string;
      if (arg === '-c' || arg === '-e' || arg === '--eval') return program;
      if (arg === 'run' && i === 1) continue;
      if (!arg.startsWith('-') && scriptExtension.test(arg)) return path.basename(arg);
    }
  }
  return program;
}

/** The user running runmeter, without failing where there is no passwd entry. */
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
