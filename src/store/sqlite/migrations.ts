import type { SqliteDatabase } from './database-file.js';

/** Numbered schema migrations; `PRAGMA user_version` holds the last one applied. Append, never edit. */
export const migrations: ReadonlyArray<{ version: number; sql: string }> = [
  {
    version: 1,
    sql: `
      CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
      INSERT INTO meta (key, value) VALUES ('change_seq', 0);

      CREATE TABLE runs (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        project TEXT,
        command TEXT NOT NULL,
        cwd TEXT NOT NULL,
        host TEXT NOT NULL,
        user TEXT NOT NULL,
        git_commit TEXT,
        git_dirty INTEGER,
        status TEXT NOT NULL,
        exit_code INTEGER,
        signal TEXT,
        reason TEXT,
        start_time INTEGER NOT NULL,
        end_time INTEGER,
        heartbeat INTEGER,
        version TEXT NOT NULL,
        agent_pid INTEGER,
        params TEXT NOT NULL DEFAULT '{}',
        tags TEXT NOT NULL DEFAULT '[]',
        source TEXT NOT NULL,
        system TEXT,
        change_seq INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX runs_by_start ON runs (start_time DESC);
      CREATE INDEX runs_by_name ON runs (name, start_time DESC);
      CREATE INDEX runs_by_change ON runs (change_seq);

      CREATE TABLE series (
        id INTEGER PRIMARY KEY,
        run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        key TEXT NOT NULL,
        name TEXT NOT NULL,
        kind TEXT NOT NULL,
        context TEXT,
        rank INTEGER,
        node TEXT,
        device TEXT,
        count INTEGER NOT NULL DEFAULT 0,
        min REAL,
        max REAL,
        last REAL,
        first_time REAL,
        last_time REAL,
        first_step REAL,
        last_step REAL,
        first_epoch REAL,
        last_epoch REAL,
        UNIQUE (run_id, key)
      );

      -- Points, CHUNK_SIZE to a chunk (see chunk-codec.ts). A chunk's summary row is small, so listing a long
      -- series' chunks reads a few pages; its block summaries and its points live apart, read only when needed.
      -- NULL in a range column: that axis is absent from the chunk.
      CREATE TABLE chunks (
        series_id INTEGER NOT NULL REFERENCES series (id) ON DELETE CASCADE,
        no INTEGER NOT NULL,
        start_index INTEGER NOT NULL,
        n INTEGER NOT NULL,
        t0 REAL, t1 REAL, s0 REAL, s1 REAL, e0 REAL, e1 REAL,
        vmin REAL, vmax REAL, vlast BLOB,
        PRIMARY KEY (series_id, no)
      ) WITHOUT ROWID;
      CREATE TABLE chunk_blocks (
        series_id INTEGER NOT NULL REFERENCES series (id) ON DELETE CASCADE,
        no INTEGER NOT NULL,
        blocks BLOB NOT NULL,
        PRIMARY KEY (series_id, no)
      );
      CREATE TABLE chunk_points (
        series_id INTEGER NOT NULL REFERENCES series (id) ON DELETE CASCADE,
        no INTEGER NOT NULL,
        points BLOB NOT NULL,
        PRIMARY KEY (series_id, no)
      );

      CREATE TABLE output_chunks (
        run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        seq INTEGER PRIMARY KEY,
        stream INTEGER NOT NULL,
        offset INTEGER NOT NULL,
        length INTEGER NOT NULL,
        time INTEGER NOT NULL
      );
      CREATE INDEX output_chunks_by_run ON output_chunks (run_id, seq);

      CREATE TABLE artifacts (
        run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        kind TEXT NOT NULL,
        path TEXT NOT NULL,
        source_path TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        size INTEGER NOT NULL,
        context TEXT,
        time INTEGER NOT NULL,
        meta TEXT NOT NULL DEFAULT '{}'
      );
      CREATE INDEX artifacts_by_run ON artifacts (run_id);
    `,
  },
  {
    version: 2,
    sql: `
      -- Which process records a run, beyond its pid (pids are reused, across reboots too): see processIdentity.
      ALTER TABLE runs ADD COLUMN agent_id TEXT;
    `,
  },
  {
    version: 3,
    sql: `
      -- The last batch each recorder applied to a run: a batch whose seq is not above it was applied before.
      CREATE TABLE producers (
        run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        producer TEXT NOT NULL,
        last_seq INTEGER NOT NULL,
        PRIMARY KEY (run_id, producer)
      ) WITHOUT ROWID;
      ALTER TABLE runs ADD COLUMN cause TEXT;
      ALTER TABLE runs ADD COLUMN note TEXT;
      ALTER TABLE series ADD COLUMN unit TEXT;
    `,
  },
  {
    version: 4,
    sql: `
      -- API tokens for runmeter server: a SHA-256 of each, never the token.
      CREATE TABLE tokens (
        name TEXT PRIMARY KEY,
        hash TEXT NOT NULL UNIQUE,
        created_at INTEGER NOT NULL
      );
    `,
  },
  {
    version: 5,
    sql: `
      -- The energy a run used, and its CO2e (JSON: model/energy.ts EnergySummary).
      ALTER TABLE runs ADD COLUMN energy TEXT;
    `,
  },
  {
    version: 6,
    sql: `
      -- run --join KEY: the key several agents record one run under (its id is made from the key, so the first
      -- batch creates the run and the others attach), the agents as members (JSON: model/run-members.ts), and
      -- whose output each index entry is (a member's streams are its own; NULL: the run's own).
      ALTER TABLE runs ADD COLUMN join_key TEXT;
      ALTER TABLE runs ADD COLUMN members TEXT;
      CREATE UNIQUE INDEX runs_by_join_key ON runs (join_key) WHERE join_key IS NOT NULL;
      ALTER TABLE output_chunks ADD COLUMN member TEXT;
    `,
  },
  {
    version: 7,
    sql: `
      -- The open (last, not yet full) chunk's points as they arrive, one part per batch, after those in its
      -- chunk_points row (which may not exist yet): a batch writes its own points, not the whole chunk again. The
      -- parts are folded into the chunk_points row every few batches and when the chunk is full.
      CREATE TABLE chunk_parts (
        series_id INTEGER NOT NULL REFERENCES series (id) ON DELETE CASCADE,
        no INTEGER NOT NULL,
        part INTEGER NOT NULL,
        points BLOB NOT NULL,
        PRIMARY KEY (series_id, no, part)
      );
    `,
  },
];

/** Applies the migrations the database has not seen yet, each in its own transaction. */
export function migrate(db: SqliteDatabase): void {
  for (const migration of migrations) {
    if ((db.pragma('user_version', { simple: true }) as number) >= migration.version) continue;
    db.transaction(() => {
      // Read again under the write lock: another process opening the same new store may have applied it meanwhile.
      if ((db.pragma('user_version', { simple: true }) as number) >= migration.version) return;
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
    }).immediate();
  }
}
