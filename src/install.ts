// Where this installation of runmeter lies: the folder of its package.json, found by walking up from this module's
// place. The answer is the same from src/ (the test runner), from dist/ and from a bundle's chunk (the build bundles
// the CLI and the worker threads, scripts/bundle.mjs), where a path relative to a module's own file would move with
// the bundle. Everything runmeter finds among its own files (its version, the dashboard, the worker threads' entries,
// the Python client) is found from here.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = fileURLToPath(import.meta.url);

/** Whether runmeter runs from its TypeScript source (the test runner, through tsx) rather than from dist/. */
export const fromSource = here.endsWith('.ts');

interface Install {
  root: string;
  manifest: { name: string; version: string };
}

let install: Install | undefined;

function findInstall(): Install {
  for (let dir = path.dirname(here); ; ) {
    try {
      const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as Install['manifest'];
      if (manifest.name === 'runmeter') return { root: dir, manifest };
    } catch {
      // No package.json here, or not JSON: look further up.
    }
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`runmeter's package.json was not found in any folder above ${here}`);
    dir = up;
  }
}

/** The folder runmeter is installed in (its package.json, bin/, dist/, python/). */
export function installRoot(): string {
  install ??= findInstall();
  return install.root;
}

/** runmeter's package.json. */
export function packageManifest(): Install['manifest'] {
  install ??= findInstall();
  return install.manifest;
}

/**
 * One of runmeter's own modules, by its path under src/ without extension (`agent/pump-worker`): its built file under
 * dist/, or its source under the test runner.
 */
export function ownModule(name: string): URL {
  return pathToFileURL(path.join(installRoot(), fromSource ? `src/${name}.ts` : `dist/${name}.js`));
}

/**
 * A worker thread's entry among runmeter's own modules (`agent/pump-worker`), and the flags it starts with: under the
 * test runner the entry is TypeScript source, which the worker loads through tsx.
 */
export function workerEntry(name: string): { url: URL; execArgv: string[] } {
  return { url: ownModule(name), execArgv: fromSource ? ['--import', 'tsx'] : [] };
}
