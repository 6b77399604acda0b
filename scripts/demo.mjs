#!/usr/bin/env node
// `npm start`: runs the demo training job under `runmeter run` with the dashboard live beside it.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cli = path.join(root, 'bin', 'runmeter');
if (!fs.existsSync(path.join(root, 'dist', 'cli', 'main.js'))) {
  console.error('runmeter is not built yet: run `npm install` (or `npm run build`) first');
  process.exit(1);
}

let dashboard;
if (fs.existsSync(path.join(root, 'dist', 'server', 'index.js')) && fs.existsSync(path.join(root, 'dist', 'web', 'index.html'))) {
  const { startServer } = await import(path.join(root, 'dist', 'server', 'index.js'));
  const { openStore } = await import(path.join(root, 'dist', 'store', 'open.js'));
  const store = openStore();
  for (const port of [8080, 8081, 8082, 0]) {
    try {
      dashboard = await startServer({ store, host: '127.0.0.1', port });
      break;
    } catch (error) {
      if (error.code !== 'EADDRINUSE') throw error;
    }
  }
  console.error(`\n  runmeter dashboard: ${dashboard.url}  (live charts of the demo job below)\n`);
}

const job = spawn(process.execPath, [cli, 'run', '--name', 'demo', '--interval', '1', '--', process.execPath, path.join(root, 'scripts', 'demo-train.mjs')], {
  stdio: 'inherit',
});
process.on('SIGINT', () => {}); // runmeter forwards Ctrl-C to the job; we wait for it
job.on('exit', (code) => {
  console.error('\n  the demo job is done. Look at it with:');
  console.error('    ./bin/runmeter ls');
  console.error('    ./bin/runmeter show last');
  console.error('    ./bin/runmeter logs last');
  if (dashboard) {
    console.error(`\n  the dashboard stays up at ${dashboard.url} (Ctrl-C to stop)`);
    process.removeAllListeners('SIGINT');
    process.on('SIGINT', () => dashboard.close().then(() => process.exit(code ?? 0)));
  } else {
    console.error('    ./bin/runmeter ui        (the dashboard)');
    process.exit(code ?? 0);
  }
});
