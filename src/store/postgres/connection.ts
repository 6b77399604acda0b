import { createRequire } from 'node:module';
import type pg from 'pg';
import { RunmeterError } from '../../model/errors.js';
import { migrations } from './migrations.js';

export type Client = pg.PoolClient;

/** A statement the pool prepares once per connection (hot paths). */
export interface Statement {
  name?: string;
  text: string;
}

/** SQLSTATE classes and codes, and Node socket errors, that mean "PostgreSQL is unreachable or restarting: retry". */
const unavailableCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', '53300', '40001', '40P01']);

/** Whether an error from pg means PostgreSQL could not be reached or dropped the connection, so a retry may succeed. */
export function isUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (unavailableCodes.has(code) || code.startsWith('08') || code.startsWith('57P'))) return true;
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|connection is closed|Connection ended/i.test(
    error.message,
  );
}

/** A store URL as shown in messages: without its password. */
export function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgres://(unparseable URL)';
  }
}

/**
 * A pool of connections to one PostgreSQL database, opened on first use, which also applies the migrations the
 * database has not seen yet. A failed first use (PostgreSQL down) is retried by the next call.
 */
export class Database {
  private pool: pg.Pool | undefined;
  private opening: Promise<pg.Pool> | undefined;

  constructor(
    private readonly url: string,
    readonly location: string,
    private readonly options: { maxConnections?: number; connectTimeoutMs?: number } = {},
  ) {}

  private open(): Promise<pg.Pool> {
    if (this.pool !== undefined) return Promise.resolve(this.pool);
    this.opening ??= this.connect().then(
      (pool) => {
        this.pool = pool;
        return pool;
      },
      (error: unknown) => {
        this.opening = undefined;
        if (isUnavailable(error)) throw this.wrap(error);
        throw new RunmeterError('E_STORE_OPEN', `cannot open the store at ${this.location}: ${(error as Error).message}`, { cause: error });
      },
    );
    return this.opening;
  }

  private async connect(): Promise<pg.Pool> {
    // Loaded on first use: commands that never open this store do not pay for the module.
    const { Pool, types } = createRequire(import.meta.url)('pg') as typeof pg;
    const pool = new Pool({
      connectionString: this.url,
      max: this.options.maxConnections ?? 4,
      connectionTimeoutMillis: this.options.connectTimeoutMs ?? 10_000,
      idleTimeoutMillis: 30_000,
      application_name: 'runmeter',
      types: {
        // Counts, ids and offsets are BIGINT; they stay below 2^53, so plain numbers.
        getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
          oid === types.builtins.INT8 && format !== 'binary' ? Number : types.getTypeParser(oid, format)) as typeof types.getTypeParser,
      },
    });
    // An idle connection that PostgreSQL drops (a restart) must not end the process; the next query reconnects.
    pool.on('error', () => {});
    try {
      await migrate(pool);
    } catch (error) {
      await pool.end().catch(() => {});
      throw error;
    }
    return pool;
  }

  /** Runs one statement outside any transaction. */
  async query<Row = Record<string, unknown>>(text: string | Statement, values: unknown[] = []): Promise<Row[]> {
    const pool = await this.open();
    try {
      const config = typeof text === 'string' ? { text, values } : { ...text, values };
      return (await pool.query(config)).rows as Row[];
    } catch (error) {
      throw this.wrap(error);
    }
  }

  /** Runs `work` in a transaction on one connection: committed when it resolves, rolled back when it throws. */
  async transaction<T>(work: (client: Client) => Promise<T>): Promise<T> {
    const pool = await this.open();
    let client: Client;
    try {
      client = await pool.connect();
    } catch (error) {
      throw this.wrap(error);
    }
    // A connection PostgreSQL drops while checked out (a restart) reports it here and through the query that fails.
    if (client.listenerCount('error') === 0) client.on('error', () => {});
    let broken = false;
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      broken = isUnavailable(error);
      if (!broken) await client.query('ROLLBACK').catch(() => (broken = true));
      throw this.wrap(error);
    } finally {
      // A connection that failed mid-transaction is closed, never handed to the next caller.
      client.release(broken);
    }
  }

  /** Pool figures, for the server's overload checks. */
  get waiting(): number {
    return this.pool?.waitingCount ?? 0;
  }

  async close(): Promise<void> {
    const pending = this.opening;
    this.opening = undefined;
    const pool = this.pool ?? (await pending?.catch(() => undefined));
    this.pool = undefined;
    await pool?.end();
  }

  /** Our own errors as they are; PostgreSQL's unreachable-type errors as E_STORE_UNAVAILABLE, naming the store. */
  private wrap(error: unknown): unknown {
    if (error instanceof RunmeterError) return error;
    if (isUnavailable(error)) {
      return new RunmeterError('E_STORE_UNAVAILABLE', `the store at ${this.location} is unavailable: ${(error as Error).message}`, { cause: error });
    }
    return error;
  }
}

const MIGRATION_LOCK = 0x72756e6d; // "runm": one migrating process at a time

/** Applies the migrations the database has not seen yet, each in its own transaction, under an advisory lock. */
async function migrate(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await client.query('CREATE TABLE IF NOT EXISTS runmeter_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())');
    const applied = new Set((await client.query<{ version: number }>('SELECT version FROM runmeter_migrations')).rows.map((row) => row.version));
    for (const migration of migrations) {
      if (applied.has(migration.version)) continue;
      await client.query('BEGIN');
      try {
        await client.query(migration.sql);
        await client.query('INSERT INTO runmeter_migrations (version) VALUES ($1)', [migration.version]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
    }
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    client.release();
  } catch (error) {
    client.release(true);
    throw error;
  }
}
