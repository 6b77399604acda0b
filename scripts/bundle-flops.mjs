// Part of `npm run build`, after tsc: rewrites dist/flops/count-file.js (what `runmeter flops` and `run --model` load)
// as one module holding the ONNX reader and counter it imports, instead of ~30 small modules.
//
// Why: Node 20's ESM loader pays ~0.7 ms per module (resolve, read, compile, link) before any code runs; for the
// counter's 33 modules that was ~25 ms of a ~100 ms command, measured by bench/flops.bench.mjs. The source keeps its
// small files (and vitest runs them as they are); only the built file changes. Everything outside dist/flops/
// (model/errors.js, whose RunmeterError the CLI's error handler checks with instanceof) and count-flops.js (the
// TF.js and SDK path, with its caches) stays an import of the one shared module, so nothing is loaded twice.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const flopsDir = path.join(root, 'dist', 'flops');
const entry = path.join(flopsDir, 'count-file.js');
const keptApart = new Set([path.join(flopsDir, 'count-flops.js')]);

if (!fs.existsSync(entry)) {
  console.error(`runmeter: ${path.relative(root, entry)} is missing: run tsc before scripts/bundle-flops.mjs`);
  process.exit(1);
}

/** Imports of modules that stay apart, rewritten relative to the bundle (it replaces the entry, in the same folder). */
const keepSharedModulesApart = {
  name: 'keep-shared-modules-apart',
  setup(build) {
    build.onResolve({ filter: /^\.\.?\// }, (args) => {
      const target = path.resolve(args.resolveDir, args.path);
      if (target.startsWith(flopsDir + path.sep) && !keptApart.has(target)) return undefined;
      const relative = path.relative(path.dirname(entry), target).split(path.sep).join('/');
      return { path: relative.startsWith('.') ? relative : `./${relative}`, external: true };
    });
  },
};

const result = await esbuild.build({
  entryPoints: [entry],
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  outfile: entry,
  allowOverwrite: true,
  write: false,
  metafile: true,
  legalComments: 'none',
  logLevel: 'warning',
  plugins: [keepSharedModulesApart],
});
const [output] = result.outputFiles;
const inlined = Object.keys(result.metafile.inputs).length;
fs.writeFileSync(entry, `// Built by scripts/bundle-flops.mjs from ${inlined} modules of dist/flops (see src/flops/count-file.ts).\n${output.text}`);
