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

export { currentUser, gitState } from '../record/index.js';
