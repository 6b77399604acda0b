// Part of `npm run build`, after tsc: rewrites the entries of runmeter's two worker threads as bundles of what they
// import from dist/, instead of ~130 and 8 small modules. Packages (better-sqlite3, koffi, pg) stay imports.
// - dist/agent/ingest-worker.js, with dist/sdk/channel/agent-host.js (which the worker imports by URL when a Python
//   client may talk to the run): the two share one chunk (dist/agent/worker-shared-HASH.js), so the worker's isolate
//   holds one copy of each module, as before. Two copies would each keep their own state: NVML's types, registered
//   with koffi once per isolate, were refused to the second.
// - dist/agent/pump-worker.js, alone.
//
// Why: every `runmeter run` starts both threads, and Node 20's ESM loader pays ~0.5 ms of CPU per module (resolve,
// read, compile, link) before any code runs: the ingest worker's start-up took 250-270 ms of CPU, ~190 ms bundled
// (bench/run.bench.mjs measures a run's whole CPU). A worker is an isolate of its own, so none of its classes is
// compared with the main thread's. Nothing inlined may find files from its own place: it would look from the
// bundle's folder instead (resolving packages with createRequire finds the same node_modules from there). The source
// keeps its small files (vitest runs them as they are).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
const shared = 'worker-shared';

/** Bundles `entries` (paths under dist/) in place; with more than one, their common modules go to one chunk. */
async function bundle(entries) {
  const paths = entries.map((entry) => path.join(dist, entry));
  for (const entry of paths) {
    if (!fs.existsSync(entry)) {
      console.error(`runmeter: ${path.relative(root, entry)} is missing: run tsc before scripts/bundle-workers.mjs`);
      process.exit(1);
    }
  }
  const result = await esbuild.build({
    entryPoints: paths,
    bundle: true,
    splitting: paths.length > 1,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    outdir: dist,
    outbase: dist,
    chunkNames: `agent/${shared}-[hash]`,
    allowOverwrite: true,
    write: false,
    metafile: true,
    legalComments: 'none',
    logLevel: 'warning',
  });
  const inputs = Object.keys(result.metafile.inputs);
  for (const input of inputs) {
    const text = fs.readFileSync(path.join(root, input), 'utf8');
    const ownPlace = /import\.meta\.url/.test(text.replace(/createRequire\(import\.meta\.url\)/g, ''));
    // createRequire resolves packages the same from anywhere, but not a relative path (`require('../package.json')`).
    if (ownPlace || /\brequire(\.resolve)?\(\s*['"`]\.\.?\//.test(text)) {
      console.error(`runmeter: ${input} finds files from import.meta.url; it cannot be bundled into ${entries.join(', ')}`);
      process.exit(1);
    }
  }
  for (const output of result.outputFiles) {
    const name = path.relative(dist, output.path);
    const made = entries.includes(name) ? `${name} (see src/${name.slice(0, -3)}.ts)` : `the modules ${entries.join(' and ')} share`;
    fs.writeFileSync(output.path, `${stamp}: ${made}, of ${inputs.length} modules of dist/ in all.\n${output.text}`);
  }
}

// Run twice (without tsc between), the entries are bundles already: nothing to do.
const stamp = '// Built by scripts/bundle-workers.mjs';
const entries = ['agent/ingest-worker.js', 'sdk/channel/agent-host.js', 'agent/pump-worker.js'];
if (entries.some((entry) => fs.existsSync(path.join(dist, entry)) && fs.readFileSync(path.join(dist, entry), 'utf8').startsWith(stamp))) {
  console.error('runmeter: the worker entries in dist/ are bundled already (tsc writes them anew: npm run build)');
  process.exit(0);
}
// Chunks of earlier builds go first: each build names its own.
for (const file of fs.readdirSync(path.join(dist, 'agent'))) if (file.startsWith(`${shared}-`)) fs.rmSync(path.join(dist, 'agent', file));
await bundle(['agent/ingest-worker.js', 'sdk/channel/agent-host.js']);
await bundle(['agent/pump-worker.js']);
