// Benchmarks of the team server (issue 12) on PostgreSQL:
// 1. ingest throughput from 10 runner processes through `runmeter server`, against a bare COPY of the same rows; the
//    clock starts once every runner has its batches encoded, as the COPY's starts with its rows written, on a server
//    warmed up by a first, smaller round;
// 2. load: 100 runner processes x 10,000 points into one server: wall time, the server's peak RSS, every point once;
// 3. a 2,000-bucket chart query on a 10M-point series over HTTP, on PostgreSQL beside the SQLite store.
// PostgreSQL: $RUNMETER_BENCH_POSTGRES or $RUNMETER_TEST_POSTGRES (an admin URL), else a private durable cluster
// (scripts/postgres-cluster.sh; needs root or the postgres user). BENCH_POINTS scales the 10M series; BENCH_PARTS
// (e.g. "1" or "1,3") runs only those parts.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { median, report } from './lib.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const cli = path.join(root, 'bin', 'runmeter');
const runner = path.join(root, 'test', 'fixtures', 'server-runner.mjs');
const bigPoints = Number(process.env.BENCH_POINTS ?? 10_000_000);
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'runmeter-bench-server-'));
const cleanups = [];
const parts = new Set((process.env.BENCH_PARTS ?? '1,2,3').split(',').map((part) => part.trim()));

let admin = process.env.RUNMETER_BENCH_POSTGRES || process.env.RUNMETER_TEST_POSTGRES;
if (!admin) {
  const dir = path.join(scratch, 'cluster');
  // The cluster runs as the postgres user, who must pass through the private scratch folder (mkdtemp makes it 0700).
  fs.chmodSync(scratch, 0o711);
  const port = 55_000 + Math.floor(Math.random() * 5000);
  admin = execFileSync('bash', [path.join(root, 'scripts', 'postgres-cluster.sh'), 'start', dir, String(port), 'durable'], { encoding: 'utf8' }).trim();
  cleanups.push(() => execFileSync('bash', [path.join(root, 'scripts', 'postgres-cluster.sh'), 'stop', dir]));
}

async function sql(url, text, values = []) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(text, values);
  } finally {
    await client.end();
  }
}

/** A fresh database for one part of the bench; dropped at the end. */
async function database() {
  const name = `runmeter_bench_${crypto.randomBytes(4).toString('hex')}`;
  await sql(admin, `CREATE DATABASE ${name}`);
  cleanups.push(() => sql(admin, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Starts `runmeter server` on a free port; resolves with its URL and process. */
function startServer(store) {
  const child = spawn(process.execPath, [cli, 'server', '--store', store, '--port', '0'], {
    env: { ...process.env, RUNMETER_HOME: scratch, RUNMETER_STORE: '' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  cleanups.push(() => child.kill('SIGTERM'));
  let stderr = '';
  return new Promise((resolve, reject) => {
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
      const match = /server at (http:\/\/\S+?)\/? /.exec(stderr);
      if (match) resolve({ url: match[1], child });
    });
    child.on('exit', () => reject(new Error(`runmeter server exited: ${stderr}`)));
  });
}

/** Peak resident memory of a process so far (Linux), in MiB. */
const peakRssMiB = (pid) => Number(/VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

/**
 * Runs `count` runner processes of `points` each at once; resolves with the wall time in ms. With `ready`, each
 * runner encodes its batches first and the clock starts once all are ready (`fromSpawnMs` then also counts their
 * start-up and batch building). `atStart` runs just before the clock starts.
 */
async function runRunners(url, prefix, count, points, perBatch, series, ready = false, atStart = async () => {}) {
  const spawned = performance.now();
  let start = spawned;
  let readyCount = 0;
  let allReady;
  const readyAll = new Promise((resolve) => {
    allReady = resolve;
  });
  const children = [];
  const results = Promise.all(
    Array.from({ length: count }, (_, i) => {
      const child = spawn(process.execPath, [runner, url, `${prefix}${i}`, String(points), String(perBatch), String(series)], {
        stdio: [ready ? 'pipe' : 'ignore', 'pipe', 'inherit'],
        env: { ...process.env, RUNNER_READY: ready ? '1' : '' },
      });
      children.push(child);
      let out = '';
      child.stdout.on('data', (chunk) => {
        out += chunk;
        if (ready && out.startsWith('ready\n') && !child.counted) {
          child.counted = true;
          if (++readyCount === count) allReady();
        }
      });
      return new Promise((resolve) =>
        child.on('close', (code) => {
          const last = out.replace(/^ready\n/, '').trim();
          resolve({ code, report: last ? JSON.parse(last) : {} });
        }),
      );
    }),
  );
  if (ready) {
    await Promise.race([readyAll, results]);
    await atStart();
    start = performance.now();
    for (const child of children) child.stdin.end('go\n');
  }
  const done = await results;
  const end = performance.now();
  const failed = done.filter((r) => r.code !== 0).length;
  if (failed > 0) throw new Error(`${failed} of ${count} runners failed`);
  return { ms: end - start, fromSpawnMs: end - spawned, retries: done.reduce((sum, r) => sum + (r.report.retries ?? 0), 0) };
}

const ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
/** CPU seconds (user + system) a process has used, from a /proc/PID/stat line; 0 for one that is gone. */
const cpuSeconds = (stat) => {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
};
const processCpu = (pid) => {
  try {
    return cpuSeconds(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return 0;
  }
};

/** CPU seconds of a database's PostgreSQL processes (its backends, and the cluster's own: WAL writer, checkpointer...), by pid. */
async function postgresCpu(url) {
  const name = new URL(url).pathname.slice(1);
  const { rows } = await sql(admin, "SELECT pid FROM pg_stat_activity WHERE (datname = $1 AND pid <> pg_backend_pid()) OR backend_type <> 'client backend'", [
    name,
  ]);
  return new Map(rows.map((row) => [row.pid, processCpu(row.pid)]));
}

/** Points stored per run, from the series summaries. */
async function storedPoints(url) {
  const { rows } = await sql(url, 'SELECT run_id, sum(count)::int8::text AS n FROM series GROUP BY run_id');
  return new Map(rows.map((row) => [row.run_id, Number(row.n)]));
}

try {
  // 1. Ingest throughput: 10 runners, 2 series each, 200k points per runner, 5,000-point batches.
  if (parts.has('1')) {
    const url = await database();
    const server = await startServer(url);
    const perRunner = 200_000;
    // A team server runs for weeks: a first round (a fifth of the points, runs of their own) warms it up (its
    // JIT, its pool's PostgreSQL backends) before the timed one.
    await runRunners(server.url, 'warm-up', 10, perRunner / 5, 5000, 2);
    let before;
    const { ms, fromSpawnMs } = await runRunners(server.url, 'ingest', 10, perRunner, 5000, 2, true, async () => {
      before = { server: processCpu(server.child.pid), postgres: await postgresCpu(url) };
    });
    // The server's and PostgreSQL's CPU over the ingest: a figure other load on the machine changes less than wall time.
    const serverCpu = processCpu(server.child.pid) - before.server;
    let postgresCpuUsed = 0;
    for (const [pid, seconds] of await postgresCpu(url)) postgresCpuUsed += seconds - (before.postgres.get(pid) ?? 0);
    const stored = await storedPoints(url);
    const total = [...stored].reduce((sum, [runId, n]) => sum + (runId.startsWith('ingest') ? n : 0), 0);
    if (total !== 10 * perRunner) throw new Error(`ingest stored ${total} points of ${10 * perRunner}`);
    server.child.kill('SIGTERM');
    // The baseline: the same rows (one per point: series, time, step, value) through a bare COPY.
    await sql(url, 'CREATE TABLE copy_points (series_id int, time float8, step float8, value float8)');
    const csv = path.join(scratch, 'points.csv');
    const out = fs.openSync(csv, 'w');
    for (let r = 0; r < 10; r++) {
      let lines = '';
      for (let i = 0; i < perRunner; i++) {
        lines += `${r * 2 + (Math.floor(i / 5000) % 2)},${1_700_000_000_000 + i},${i},${i}\n`;
        if (lines.length > 1 << 20) {
          fs.writeSync(out, lines);
          lines = '';
        }
      }
      fs.writeSync(out, lines);
    }
    fs.closeSync(out);
    const copyStart = performance.now();
    // psql's CPU from time(1); its backend's from /proc/self/stat read by the backend itself once the COPY is done.
    const copyRun = spawnSync(
      '/usr/bin/time',
      ['-f', 'CPU %U %S', 'psql', url, '-qAt', '-c', '\\copy copy_points FROM STDIN WITH (FORMAT csv)', '-c', "SELECT pg_read_file('/proc/self/stat')"],
      { input: fs.readFileSync(csv), encoding: 'utf8', maxBuffer: 1 << 20 },
    );
    const copyMs = performance.now() - copyStart;
    if (copyRun.status !== 0) throw new Error(`psql \\copy failed: ${copyRun.stderr}`);
    const [, psqlUser, psqlSystem] = /CPU (\S+) (\S+)/.exec(copyRun.stderr) ?? [];
    const copyCpu = Number(psqlUser) + Number(psqlSystem) + cpuSeconds(copyRun.stdout.trim());
    const rate = (10 * perRunner) / (ms / 1000);
    report({
      name: 'ingest from 10 runners (points/s), timed from when all have their batches ready',
      value: Math.round(rate),
      unit: 'points/s',
      target: '>= 1,000,000 points/s',
      ok: rate >= 1e6,
    });
    report({
      name: 'the same, timed from spawning the runners (their start-up and batch building on the same 2 cores)',
      value: Math.round((10 * perRunner) / (fromSpawnMs / 1000)),
      unit: 'points/s',
      target: 'reported',
    });
    report({
      name: 'ingest time vs a bare COPY of the same rows',
      value: Math.round(ms),
      unit: 'ms',
      baseline: Math.round(copyMs),
      ratio: ms / copyMs,
      target: 'reported (COPY stores rows, no chunks or summaries)',
    });
    const ingestCpu = serverCpu + postgresCpuUsed;
    report({
      name: `ingest CPU: the server ${serverCpu.toFixed(2)} s + PostgreSQL ${postgresCpuUsed.toFixed(2)} s, vs the COPY's (psql + its backend)`,
      value: Number(ingestCpu.toFixed(2)),
      unit: 's CPU',
      baseline: Number(copyCpu.toFixed(2)),
      ratio: ingestCpu / copyCpu,
      target: `reported (${Math.round((10 * perRunner) / (ingestCpu / 2) / 1000)}k points/s if that CPU had both cores to itself)`,
    });
  }

  // 2. Load: 100 runner processes x 10,000 points, one server.
  if (parts.has('2')) {
    const url = await database();
    const server = await startServer(url);
    const { ms, retries } = await runRunners(server.url, 'load', 100, 10_000, 1000, 1);
    const rss = peakRssMiB(server.child.pid);
    const stored = await storedPoints(url);
    const exact = stored.size === 100 && [...stored.values()].every((n) => n === 10_000);
    report({
      name: '100 runners x 10,000 points: every point stored once',
      value: [...stored.values()].reduce((a, b) => a + b, 0),
      unit: 'points',
      target: '1,000,000',
      ok: exact,
    });
    report({ name: '100 runners x 10,000 points: wall time', value: Math.round(ms), unit: 'ms', target: `reported (${retries} retries told to come back)` });
    report({ name: '100 runners: server peak RSS', value: Math.round(rss), unit: 'MiB', target: 'bounded (< 512 MiB)', ok: rss < 512 });
    server.child.kill('SIGTERM');
  }

  // 3. A 2,000-bucket chart query over HTTP on a 10M-point series, PostgreSQL beside SQLite.
  if (parts.has('3')) {
    const { openStore } = await import(path.join(root, 'dist', 'store', 'open.js'));
    const fill = async (store) => {
      const run = await store.createRun({
        name: 'ten-million',
        command: ['bench'],
        cwd: root,
        host: 'bench',
        user: 'bench',
        startTime: 1e12,
        version: '0',
        source: 'sdk',
      });
      const batch = 500_000;
      for (let start = 0; start < bigPoints; start += batch) {
        const n = Math.min(batch, bigPoints - start);
        const time = new Float64Array(n);
        const step = new Float64Array(n);
        const value = new Float64Array(n);
        for (let i = 0; i < n; i++) {
          time[i] = 1e12 + start + i;
          step[i] = start + i;
          value[i] = 1 / (1 + (start + i) / 1e4) + 0.01 * Math.sin(start + i);
        }
        await store.appendColumns(run.id, [{ series: { name: 'loss', kind: 'training' }, n, time, step, epoch: new Float64Array(n).fill(Number.NaN), value }]);
      }
      const [series] = await store.listSeries(run.id);
      await store.close();
      return { runId: run.id, seriesId: series.id };
    };
    const timeQuery = async (serverUrl, runId, seriesId) => {
      const url = `${serverUrl}/api/v1/runs/${runId}/series/${seriesId}/data?x=step&buckets=2000`;
      await (await fetch(url)).json();
      const times = [];
      for (let r = 0; r < 9; r++) {
        const start = performance.now();
        const body = await (await fetch(url)).json();
        times.push(performance.now() - start);
        if (body.count.reduce((a, b) => a + b, 0) !== bigPoints) throw new Error('the query did not cover every point');
      }
      return median(times);
    };
    const pgUrl = await database();
    const pgSeries = await fill(openStore(pgUrl, {}));
    const pgServer = await startServer(pgUrl);
    const pgMs = await timeQuery(pgServer.url, pgSeries.runId, pgSeries.seriesId);
    pgServer.child.kill('SIGTERM');
    const sqliteDir = path.join(scratch, 'sqlite');
    const sqliteSeries = await fill(openStore(sqliteDir, {}));
    const sqliteServer = await startServer(sqliteDir);
    const sqliteMs = await timeQuery(sqliteServer.url, sqliteSeries.runId, sqliteSeries.seriesId);
    sqliteServer.child.kill('SIGTERM');
    report({
      name: `2,000-bucket query on ${bigPoints.toLocaleString('en-US')} points over HTTP, PostgreSQL vs SQLite`,
      value: Math.round(pgMs * 10) / 10,
      unit: 'ms',
      baseline: Math.round(sqliteMs * 10) / 10,
      ratio: pgMs / sqliteMs,
      target: '< 100 ms',
      ok: pgMs < 100,
    });
  }
} finally {
  for (const cleanup of cleanups.reverse()) {
    try {
      await cleanup();
    } catch {}
  }
  fs.rmSync(scratch, { recursive: true, force: true });
}
