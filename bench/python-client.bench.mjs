// Benchmarks of issue 14 (the Python client): the cost of log_metric in the training loop against appending the same
// tuple to a list (what any buffered logger must at least do), and points per second through runmeter's channel,
// logged and stored, inside `runmeter run`. Sizes: BENCH_CALLS (100,000), BENCH_POINTS (1,000,000).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { report } from './lib.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const python = fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
const calls = Number(process.env.BENCH_CALLS ?? 100_000);
const points = Number(process.env.BENCH_POINTS ?? 1_000_000);
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'runmeter-bench-python-'));

/** Runs the measuring script under `runmeter run` (the client speaks to the job's channel); its last stdout line. */
function measured(mode, n) {
  const result = spawnSync(
    process.execPath,
    [path.join(root, 'bin', 'runmeter'), 'run', '-q', '--no-system', '--', python, path.join(here, 'python-client.py'), mode, String(n)],
    {
      encoding: 'utf8',
      env: { ...process.env, RUNMETER_HOME: home, RUNMETER_STORE: '' },
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  if (result.status !== 0) throw new Error(`python-client.py ${mode} failed: ${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').at(-1));
}

const cost = measured('calls', calls);
const perSecond = calls / cost.client_s;
report({
  name: `${calls.toLocaleString('en-US')} log_metric calls vs list.append of the same tuple`,
  value: Math.round(perSecond),
  unit: 'calls/s',
  baseline: Math.round(calls / cost.baseline_s),
  ratio: Number((cost.client_s / cost.baseline_s).toFixed(2)),
  target: '>= 200,000 calls/s',
  ok: perSecond >= 200_000,
});
const through = measured('throughput', points);
if (!through.stored) throw new Error('the points were not stored within the flush timeout');
report({
  name: `${points.toLocaleString('en-US')} points logged and stored through the channel`,
  value: Math.round(points / through.seconds),
  unit: 'points/s',
  target: 'info',
});
fs.rmSync(home, { recursive: true, force: true });
