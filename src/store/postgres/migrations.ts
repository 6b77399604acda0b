/**
 * PostgreSQL's own numbered migrations (the SQLite store has its own numbering): the table `runmeter_migrations`
 * lists those applied. Append, never edit. Migration 1 mirrors the SQLite schema as of its migration 4.
 */
export const migrations: ReadonlyArray<{ version: number; sql: string }> = [
  {
    version: 1,
    sql: `
      CREATE TABLE runs (
        id TEXT COLLATE "C" PRIMARY KEY,
        name TEXT NOT NULL,
        project TEXT,
        command TEXT NOT NULL,
        cwd TEXT NOT NULL,
        host TEXT NOT NULL,
        "user" TEXT NOT NULL,
        git_commit TEXT,
        git_dirty INTEGER,
        status TEXT NOT NULL,
        exit_code INTEGER,
        signal TEXT,
        reason TEXT,
        cause TEXT,
        note TEXT,
        start_time DOUBLE PRECISION NOT NULL,
        end_time DOUBLE PRECISION,
        heartbeat DOUBLE PRECISION,
        version TEXT NOT NULL,
        agent_pid INTEGER,
        agent_id TEXT,
        params TEXT NOT NULL DEFAULT '{}',
        tags TEXT NOT NULL DEFAULT '[]',
        source TEXT NOT NULL,
        system TEXT,
        -- The transaction that last changed the run (see changes()); row_no orders runs started at the same ms.
        change_xid BIGINT NOT NULL DEFAULT 0,
        row_no BIGSERIAL NOT NULL
      );
      CREATE INDEX runs_by_start ON runs (start_time DESC, row_no DESC);
      CREATE INDEX runs_by_name ON runs (name, start_time DESC);
      CREATE INDEX runs_by_change ON runs (change_xid);
      CREATE INDEX runs_running ON runs (host) WHERE status = 'running';

      CREATE TABLE series (
        id BIGSERIAL PRIMARY KEY,
        run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        key TEXT NOT NULL,
        name TEXT NOT NULL,
        kind TEXT NOT NULL,
        context TEXT,
        rank INTEGER,
        node TEXT,
        device TEXT,
        unit TEXT,
        count BIGINT NOT NULL DEFAULT 0,
        min DOUBLE PRECISION,
        max DOUBLE PRECISION,
        last DOUBLE PRECISION,
        first_time DOUBLE PRECISION,
        last_time DOUBLE PRECISION,
        first_step DOUBLE PRECISION,
        last_step DOUBLE PRECISION,
        first_epoch DOUBLE PRECISION,
        last_epoch DOUBLE PRECISION,
        UNIQUE (run_id, key)
      );

      -- Points as the SQLite store keeps them (chunk-codec.ts): a small summary row per chunk, its block
      -- summaries and its points apart. NULL in a range column: that axis is absent from the chunk. These three
      -- tables are the series storage a column store could take over (see docs/storage.md).
      CREATE TABLE chunks (
        series_id BIGINT NOT NULL REFERENCES series (id) ON DELETE CASCADE,
        no INTEGER NOT NULL,
        start_index BIGINT NOT NULL,
        n INTEGER NOT NULL,
        t0 DOUBLE PRECISION, t1 DOUBLE PRECISION, s0 DOUBLE PRECISION, s1 DOUBLE PRECISION,
        e0 DOUBLE PRECISION, e1 DOUBLE PRECISION,
        vmin DOUBLE PRECISION, vmax DOUBLE PRECISION, vlast DOUBLE PRECISION NOT NULL,
        PRIMARY KEY (series_id, no)
      );
      CREATE TABLE chunk_blocks (
        series_id BIGINT NOT NULL REFERENCES series (id) ON DELETE CASCADE,
        no INTEGER NOT NULL,
        blocks BYTEA NOT NULL,
        PRIMARY KEY (series_id, no)
      );
      CREATE TABLE chunk_points (
        series_id BIGINT NOT NULL REFERENCES series (id) ON DELETE CASCADE,
        no INTEGER NOT NULL,
        points BYTEA NOT NULL,
        PRIMARY KEY (series_id, no)
      );
      -- Raw float64 columns barely compress: storing them as they are saves the CPU of trying.
      ALTER TABLE chunk_points ALTER COLUMN points SET STORAGE EXTERNAL;
      ALTER TABLE chunk_blocks ALTER COLUMN blocks SET STORAGE EXTERNAL;

      -- The output index (arrival times), and the bytes themselves: pieces of a stream at their offsets.
      CREATE TABLE output_chunks (
        run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        seq BIGSERIAL PRIMARY KEY,
        stream SMALLINT NOT NULL,
        byte_offset BIGINT NOT NULL,
        length BIGINT NOT NULL,
        time DOUBLE PRECISION NOT NULL
      );
      CREATE INDEX output_chunks_by_run ON output_chunks (run_id, seq);
      CREATE TABLE output_bytes (
        run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        stream SMALLINT NOT NULL,
        byte_offset BIGINT NOT NULL,
        length INTEGER NOT NULL,
        bytes BYTEA NOT NULL,
        PRIMARY KEY (run_id, stream, byte_offset)
      );

      CREATE TABLE artifacts (
        run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        row_no BIGSERIAL PRIMARY KEY,
        name TEXT NOT NULL,
        kind TEXT NOT NULL,
        path TEXT NOT NULL,
        source_path TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        size BIGINT NOT NULL,
        context TEXT,
        time DOUBLE PRECISION NOT NULL,
        meta TEXT NOT NULL DEFAULT '{}'
      );
      CREATE INDEX artifacts_by_run ON artifacts (run_id);

      -- The last batch each recorder applied to a run. Checked at commit: a run's first batch claims its
      -- identity before it creates the run.
      CREATE TABLE producers (
        run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
        producer TEXT NOT NULL,
        last_seq BIGINT NOT NULL,
        PRIMARY KEY (run_id, producer)
      );

      -- API tokens for runmeter server: a SHA-256 of each, never the token.
      CREATE TABLE tokens (
        name TEXT PRIMARY KEY,
        hash TEXT NOT NULL UNIQUE,
        created_at DOUBLE PRECISION NOT NULL
      );
    `,
  },
  {
    version: 2,
    sql: `
      -- The energy a run used, and its CO2e (JSON: model/energy.ts EnergySummary).
      ALTER TABLE runs ADD COLUMN energy TEXT;
    `,
  },
  {
    version: 3,
    sql: `
      -- run --join KEY: the key several agents record one run under (its id is made from the key, so the first
      -- batch creates the run and the others attach), the agents as members (JSON: model/run-members.ts), and
      -- whose output each piece is (a member's streams are its own; '' and NULL: the run's own).
      ALTER TABLE runs ADD COLUMN join_key TEXT;
      ALTER TABLE runs ADD COLUMN members TEXT;
      CREATE UNIQUE INDEX runs_by_join_key ON runs (join_key) WHERE join_key IS NOT NULL;
      ALTER TABLE output_chunks ADD COLUMN member TEXT;
      ALTER TABLE output_bytes ADD COLUMN member TEXT COLLATE "C" NOT NULL DEFAULT '';
      ALTER TABLE output_bytes DROP CONSTRAINT output_bytes_pkey;
      ALTER TABLE output_bytes ADD PRIMARY KEY (run_id, stream, member, byte_offset);
    `,
  },
];
