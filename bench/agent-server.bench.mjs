// Benchmark of issue 12 (the team server): the CPU runmeter itself spends recording a job on a server (`run --server`,
// every batch spooled, then posted) against recording the same job in the local store, alternated so both see the
// same load. The job prints BENCH_LINES (20,000) JSON metric lines over BENCH_SECONDS (4); the server runs on a
// SQLite store on this machine. CPU is runmeter's own user + system time, from /usr/bin/time.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, report } from './lib.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const cli = path.join(root, 'bin', 'runmeter');
const job = path.join(root, 'test', 'fixtures', 'jobs', 'paced-metrics.mjs');
const lines = Number(process.env.BENCH_LINES ?? 20_000);
const seconds = Number(process.env.BENCH_SECONDS ?? 4);
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'runmeter-bench-agent-server-'));
const env = { ...process.env, RUNMETER_HOME: scratch, RUNMETER_STORE: '', RUNMETER_SERVER: '' };

const serverStore = path.join(scratch, 'server-store');
const token = execFileSync(process.execPath, [cli, 'token', 'create', 'bench', '--store', serverStore], { env, encoding: 'utf8' }).trim();
const server = spawn(process.execPath, [cli, 'server', '--store', serverStore, '--port', '0'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
const url = await new Promise((resolve, reject) => {
  let said = '';
  server.stderr.on('data', (chunk) => {
    said += chunk;
    const found = /server at (http:\/\/\S+)/.exec(said);
    if (found) resolve(found[1].replace(/\/$/, ''));
  });
  server.on('exit', () => reject(new Error(`runmeter server stopped: ${said}`)));
});

/** runmeter's own CPU seconds (user + system) recording the job with `flags`. */
function cpuOf(flags) {
  const result = spawnSync(
    '/usr/bin/time',
    ['-f', 'CPU %U %S', process.execPath, cli, 'run', '-q', '--no-system', ...flags, '--', process.execPath, job, String(lines), String(seconds)],
    {
      env,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  if (result.status !== 0) throw new Error(`runmeter run ${flags.join(' ')} failed: ${result.stderr}`);
  const [, user, system] = /CPU (\S+) (\S+)/.exec(result.stderr) ?? [];
  return Number(user) + Number(system);
}

const local = [];
const remote = [];
try {
  for (let i = 0; i < 3; i++) {
    local.push(cpuOf(['--store', path.join(scratch, `local-${i}`)]));
    remote.push(cpuOf(['--server', url, '--token', token]));
  }
} finally {
  server.kill('SIGTERM');
}
const ratio = median(remote) / median(local);
report({
  name: `runmeter's CPU recording ${lines.toLocaleString('en-US')} lines: --server vs the local store`,
  value: Number(median(remote).toFixed(2)),
  unit: 's CPU',
  baseline: Number(median(local).toFixed(2)),
  ratio: Number(ratio.toFixed(2)),
  target: '<= 1.2x',
  ok: ratio <= 1.2,
});
fs.rmSync(scratch, { recursive: true, force: true });
