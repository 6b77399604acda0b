// Part of `npm run build`, after tsc and scripts/bundle-flops.mjs: rewrites the entries runmeter's processes and
// threads start from as bundles of what they import from dist/, instead of hundreds of small modules. Packages
// (better-sqlite3, koffi, pg, commander, hono) stay imports.
// - dist/cli/main.js, what bin/runmeter loads: the commands it imports when named stay apart (chunks in dist/cli/),
//   so each command still loads only what it uses.
// - dist/agent/ingest-worker.js, with dist/sdk/channel/agent-host.js (which the worker imports by URL when a Python
//   client may talk to the run): the two share their modules in one chunk, so the worker's isolate holds one copy of
//   each, as before. Two copies would each keep their own state: NVML's types, registered with koffi once per
//   isolate, were refused to the second.
// - dist/agent/pump-worker.js, alone.
//
// Why: Node 20's ESM loader pays ~0.5 ms of CPU per module (resolve, read, compile, link) before any code runs. A
// run started ~100 modules on its main thread and ~130 in its ingest worker: a job that does nothing cost runmeter
// 820-970 ms of CPU (bench/run.bench.mjs), and `runmeter --version` 210-250 ms.
//
// Each bundle is one module graph: a class is never compared with another copy of itself. Nothing inlined may find
// files from its own place, which a bundle moves: runmeter's own files are found from src/install.ts, which walks up
// to runmeter's package.json; createRequire resolves packages the same from anywhere, but not a relative path. The
// build stops on a module that breaks this. The source keeps its small files (vitest runs them as they are).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
const stamp = '// Built by scripts/bundle.mjs';
/** Chunks' names start with this, in the folder of their group's first entry. */
const shared = 'shared-';

const groups = [['cli/main.js'], ['agent/ingest-worker.js', 'sdk/channel/agent-host.js'], ['agent/pump-worker.js']];
/** The one module that finds files from its own place, by walking up to runmeter's package.json. */
const locator = 'dist/install.js';

/** What a module must not do once inlined: find a file from its own place. */
function findsOwnPlace(text) {
  const ownPlace = /import\.meta\.url/.test(text.replace(/createRequire\(import\.meta\.url\)/g, ''));
  return ownPlace || /(\brequire|createRequire\(import\.meta\.url\))(\.resolve)?\(\s*['"`]\.\.?\//.test(text);
}

/** Bundles `entries` (paths under dist/) in place; their common modules and lazy imports go to chunks. */
async function bundle(entries) {
  const paths = entries.map((entry) => path.join(dist, entry));
  for (const entry of paths) {
    if (!fs.existsSync(entry)) {
      console.error(`runmeter: ${path.relative(root, entry)} is missing: run tsc before scripts/bundle.mjs`);
      process.exit(1);
    }
  }
  const folder = path.dirname(entries[0]);
  const result = await esbuild.build({
    entryPoints: paths,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    outdir: dist,
    outbase: dist,
    absWorkingDir: root,
    chunkNames: `${folder}/${shared}[hash]`,
    allowOverwrite: true,
    write: false,
    metafile: true,
    legalComments: 'none',
    logLevel: 'warning',
  });
  const inputs = Object.keys(result.metafile.inputs);
  for (const input of inputs) {
    if (input !== locator && findsOwnPlace(fs.readFileSync(path.join(root, input), 'utf8'))) {
      console.error(
        `runmeter: ${input} finds files from its own place (import.meta.url, or a relative require); it cannot be bundled into ${entries.join(', ')}`,
      );
      process.exit(1);
    }
  }
  for (const output of result.outputFiles) {
    const name = path.relative(dist, output.path);
    const made = entries.includes(name) ? `${name} (see src/${name.slice(0, -3)}.ts)` : `a part of ${entries.join(' and ')}`;
    fs.writeFileSync(output.path, `${stamp}: ${made}, of ${inputs.length} modules of dist/ in all.\n${output.text}`);
  }
}

// Run twice (without tsc between), the entries are bundles already: nothing to do.
const entries = groups.flat();
if (entries.some((entry) => fs.existsSync(path.join(dist, entry)) && fs.readFileSync(path.join(dist, entry), 'utf8').startsWith(stamp))) {
  console.error('runmeter: the entries in dist/ are bundled already (tsc writes them anew: npm run build)');
  process.exit(0);
}
// Chunks of earlier builds go first: each build names its own.
for (const folder of new Set(groups.map((group) => path.dirname(group[0])))) {
  for (const file of fs.readdirSync(path.join(dist, folder))) if (file.startsWith(shared)) fs.rmSync(path.join(dist, folder, file));
}
for (const group of groups) await bundle(group);
