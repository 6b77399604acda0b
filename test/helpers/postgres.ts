import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, it } from 'vitest';
import { root } from './cli.js';

/** The PostgreSQL tests run against (.ci/run starts one): an admin URL, e.g. postgres://postgres@127.0.0.1:5432/postgres. */
export const postgresAdminUrl = process.env.RUNMETER_TEST_POSTGRES || undefined;

/** Why PostgreSQL tests skip here, or undefined when they run. Under CI they never skip: see requirePostgres. */
export const postgresSkipReason = postgresAdminUrl === undefined ? 'RUNMETER_TEST_POSTGRES is not set (.ci/run starts a PostgreSQL and sets it)' : undefined;

/** Under CI, a test that fails when there is no PostgreSQL, so PostgreSQL tests cannot silently skip there. */
export function requirePostgres(): void {
  if (process.env.CI) {
    it('has a PostgreSQL to test against (RUNMETER_TEST_POSTGRES)', () => {
      if (postgresAdminUrl === undefined) throw new Error(`PostgreSQL tests cannot run under CI: ${postgresSkipReason}`);
    });
  }
}

/** `url` pointing at another database. */
function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** Runs SQL as the admin (or on `url`). */
export async function sql(url: string, text: string, values: unknown[] = []): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(text, values);
  } finally {
    await client.end();
  }
}

/**
 * A database of the test file's own, created before its tests and dropped after them; `schema()` gives each test
 * an empty store of its own in it (a URL whose search_path is a fresh schema).
 */
export function postgresDatabase(): { url(): string; schema(): Promise<string> } {
  const name = `runmeter_test_${crypto.randomBytes(5).toString('hex')}`;
  let url: string | undefined;
  let schemas = 0;
  beforeAll(async () => {
    if (postgresAdminUrl === undefined) return;
    await sql(postgresAdminUrl, `CREATE DATABASE ${name}`);
    url = withDatabase(postgresAdminUrl, name);
  });
  afterAll(async () => {
    if (postgresAdminUrl === undefined || url === undefined) return;
    await sql(postgresAdminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  });
  return {
    url() {
      if (url === undefined) throw new Error('no PostgreSQL database (tests should have skipped)');
      return url;
    },
    async schema() {
      const base = this.url();
      const schema = `s${++schemas}_${crypto.randomBytes(3).toString('hex')}`;
      await sql(base, `CREATE SCHEMA ${schema}`);
      const parsed = new URL(base);
      parsed.searchParams.set('options', `-c search_path=${schema}`);
      return parsed.toString();
    },
  };
}

/** A free TCP port on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

const clusterScript = path.join(root, 'scripts', 'postgres-cluster.sh');

/** Why a private cluster (one a test may restart) cannot run here, or undefined when it can. */
export const privateClusterSkipReason = (() => {
  if (!fs.existsSync('/usr/lib/postgresql') && !process.env.PATH?.split(':').some((dir) => fs.existsSync(path.join(dir, 'pg_ctl'))))
    return 'no PostgreSQL server binaries here';
  if (process.getuid?.() !== 0 && os.userInfo().username !== 'postgres') return 'a private cluster needs root (to run it as postgres) or the postgres user';
  return undefined;
})();

/** A PostgreSQL cluster of the test's own, which it may stop and restart (without blocking); removed by `destroy`. */
export async function privateCluster(): Promise<{ url: string; port: number; restart(): Promise<void>; destroy(): Promise<void> }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runmeter-pg-'));
  const port = await freePort();
  const run = async (...args: string[]) => (await promisify(execFile)('bash', [clusterScript, ...args], { encoding: 'utf8' })).stdout.trim();
  const url = await run('start', dir, String(port));
  return {
    url,
    port,
    restart: async () => {
      await run('restart', dir);
    },
    destroy: async () => {
      await run('stop', dir).catch(() => '');
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
