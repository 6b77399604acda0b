// npm's `prepare`: builds dist/ (TypeScript and the dashboard) when runmeter is installed from a checkout.
//
// The build needs the devDependencies (typescript, esbuild, vite). `npm ci --omit=dev` in a checkout (a Dockerfile's usual
// line) runs `prepare` without them: then they are installed here for the build, without install scripts (the build
// needs no native module), and pruned again afterwards, so the result is the built package without them, as asked.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const npmCli = process.env.npm_execpath;
const has = (name) => fs.existsSync(path.join(root, 'node_modules', '.bin', name));

/** Runs npm (the one running this script when known), in the checkout, as a local install. */
function npm(args) {
  const [command, argv] = npmCli ? [process.execPath, [npmCli, ...args]] : ['npm', args];
  // Undo an inherited `--global` (npm/cli#8440) and `--omit=dev`: both belong to the outer install, not to the build.
  const result = spawnSync(command, argv, { cwd: root, stdio: 'inherit', env: { ...process.env, npm_config_global: 'false', npm_config_omit: '' } });
  if (result.status !== 0) {
    console.error(`runmeter: \`npm ${args.join(' ')}\` failed (${result.status ?? result.signal}) while preparing the build`);
    process.exit(result.status ?? 1);
  }
}

const toolsMissing = !has('tsc') || !has('esbuild') || !has('vite');
if (toolsMissing) {
  console.error('runmeter: the build needs the devDependencies, which this install leaves out; installing them here for the build');
  npm(['install', '--no-save', '--ignore-scripts', '--no-audit', '--no-fund', '--include=dev']);
}
npm(['run', 'build']);
if (toolsMissing) {
  const result = spawnSync(
    npmCli ? process.execPath : 'npm',
    [...(npmCli ? [npmCli] : []), 'prune', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund'],
    {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, npm_config_global: 'false' },
    },
  );
  if (result.status !== 0) console.error('runmeter: the build is done, but pruning the devDependencies again failed; `npm prune --omit=dev` removes them');
}
