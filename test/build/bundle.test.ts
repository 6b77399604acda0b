// scripts/bundle.mjs (part of `npm run build`) on small dist/ trees of its own: what it bundles, that the bundle runs
// and finds runmeter's files, and that it stops on a module that finds files from its own place. And src/install.ts,
// which every bundled module finds runmeter's files through.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { fromSource, installRoot, ownModule, packageManifest } from '../../src/install.js';

const root = path.resolve(import.meta.dirname, '../..');
const made: string[] = [];
afterAll(() => {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
});

/**
 * A folder laid out as runmeter's install (package.json named runmeter, scripts/bundle.mjs, node_modules for esbuild)
 * whose dist/ holds `files`, plus the entries the script bundles where `files` leaves them out.
 */
function install(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runmeter-bundle-'));
  made.push(dir);
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'runmeter', version: '9.8.7', type: 'module' }));
  fs.mkdirSync(path.join(dir, 'scripts'));
  fs.copyFileSync(path.join(root, 'scripts', 'bundle.mjs'), path.join(dir, 'scripts', 'bundle.mjs'));
  fs.symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'));
  const entries = {
    'agent/ingest-worker.js': "import { common } from '../common.js';\nexport const worker = common;\n",
    'sdk/channel/agent-host.js': "import { common } from '../../common.js';\nexport const host = common;\n",
    'common.js': 'export const common = {};\n',
    'agent/pump-worker.js': 'export const pump = 1;\n',
    // The locator as tsc writes it (src/install.ts is TypeScript; its output is plain JavaScript once built).
    'install.js': fs.readFileSync(path.join(root, 'dist', 'install.js'), 'utf8'),
  };
  for (const [name, text] of Object.entries({ ...entries, ...files })) {
    fs.mkdirSync(path.dirname(path.join(dir, 'dist', name)), { recursive: true });
    fs.writeFileSync(path.join(dir, 'dist', name), text);
  }
  return dir;
}

const bundle = (dir: string) => spawnSync(process.execPath, [path.join(dir, 'scripts', 'bundle.mjs')], { encoding: 'utf8' });

describe('scripts/bundle.mjs', () => {
  it('bundles the CLI with each lazy command in a chunk, and the bundle still finds runmeter from its new place', () => {
    const dir = install({
      'cli/main.js': [
        "import { version } from '../version.js';",
        "import { installRoot } from '../install.js';",
        "export async function main() { const { name } = await import('./commands/hello.js'); return [name, version, installRoot()].join(' '); }",
      ].join('\n'),
      'cli/commands/hello.js': "export const name = 'hello';\n",
      'version.js': "import { packageManifest } from './install.js';\nexport const version = packageManifest().version;\n",
    });
    const result = bundle(dir);
    expect(result.status, result.stderr).toBe(0);
    const main = fs.readFileSync(path.join(dir, 'dist', 'cli', 'main.js'), 'utf8');
    expect(main.startsWith('// Built by scripts/bundle.mjs: cli/main.js')).toBe(true);
    // The command is a chunk of its own, loaded when named: the entry imports it lazily.
    expect(fs.readdirSync(path.join(dir, 'dist', 'cli')).filter((file) => file.startsWith('shared-')).length).toBeGreaterThan(0);
    expect(main).not.toContain("'hello'");
    const run = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const m = await import(${JSON.stringify(pathToFileURL(path.join(dir, 'dist', 'cli', 'main.js')).href)}); console.log(await m.main());`,
      ],
      {
        encoding: 'utf8',
      },
    );
    expect(run.stdout.trim(), run.stderr).toBe(`hello 9.8.7 ${fs.realpathSync(dir)}`);
    // Run again without tsc between: the entries are bundles already, and nothing changes.
    const again = bundle(dir);
    expect(again.status).toBe(0);
    expect(again.stderr).toContain('bundled already');
    expect(fs.readFileSync(path.join(dir, 'dist', 'cli', 'main.js'), 'utf8')).toBe(main);
  });

  it('gives the ingest worker and the channel host one copy of the modules they share', () => {
    const dir = install({ 'cli/main.js': 'export const main = () => 0;\n' });
    expect(bundle(dir).status).toBe(0);
    const check = [
      `const w = await import(${JSON.stringify(pathToFileURL(path.join(dir, 'dist', 'agent', 'ingest-worker.js')).href)});`,
      `const h = await import(${JSON.stringify(pathToFileURL(path.join(dir, 'dist', 'sdk', 'channel', 'agent-host.js')).href)});`,
      'console.log(w.worker === h.host);',
    ].join('\n');
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', check], { encoding: 'utf8' });
    expect(run.stdout.trim(), run.stderr).toBe('true');
  });

  it('stops on a module that finds a file from its own place, naming it', () => {
    for (const [label, text] of [
      ['a URL', "export const page = new URL('../web/index.html', import.meta.url);\n"],
      ['a relative require', "import { createRequire } from 'node:module';\nexport const page = createRequire(import.meta.url)('../package.json');\n"],
    ]) {
      const dir = install({ 'cli/main.js': "export { page } from '../web-root.js';\n", 'web-root.js': text as string });
      const result = bundle(dir);
      expect(result.status, label).toBe(1);
      expect(result.stderr, label).toContain('dist/web-root.js finds files from its own place');
      // Nothing was written: the entry is tsc's still.
      expect(fs.readFileSync(path.join(dir, 'dist', 'cli', 'main.js'), 'utf8'), label).toBe("export { page } from '../web-root.js';\n");
    }
  });
});

describe('src/install.ts', () => {
  it("finds runmeter's folder and package.json from the source, and its modules as TypeScript there", () => {
    expect(installRoot()).toBe(root);
    expect(packageManifest()).toMatchObject({ name: 'runmeter', version: JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).version });
    expect(fromSource).toBe(true);
    const worker = ownModule('agent/pump-worker');
    expect(worker.href).toBe(pathToFileURL(path.join(root, 'src', 'agent', 'pump-worker.ts')).href);
    expect(fs.existsSync(worker)).toBe(true);
  });
});
