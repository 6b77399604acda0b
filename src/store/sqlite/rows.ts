import type { EnergySummary } from '../../model/energy-types.js';
import type { MachineInfo, Run, RunStatus } from '../../model/run.js';
import type { RunMember } from '../../model/run-members.js';
import type { SeriesKind } from '../../model/series.js';
import type { SeriesSummary } from '../store.js';

/** A row of the runs table. */
export interface RunRow {
  id: string;
  name: string;
  project: string | null;
  command: string;
  cwd: string;
  host: string;
  user: string;
  git_commit: string | null;
  git_dirty: number | null;
  status: string;
  exit_code: number | null;
  signal: string | null;
  reason: string | null;
  cause: string | null;
  note: string | null;
  start_time: number;
  end_time: number | null;
  version: string;
  agent_pid: number | null;
  agent_id: string | null;
  params: string;
  tags: string;
  source: string;
  system: string | null;
  energy?: string | null;
  join_key?: string | null;
  members?: string | null;
}

export function runFromRow(row: RunRow): Run {
  const run: Run = {
    id: row.id,
    name: row.name,
    command: JSON.parse(row.command) as string[],
    cwd: row.cwd,
    host: row.host,
    user: row.user,
    status: row.status as RunStatus,
    startTime: row.start_time,
    version: row.version,
    params: JSON.parse(row.params) as Record<string, unknown>,
    tags: JSON.parse(row.tags) as string[],
    source: row.source as Run['source'],
  };
  if (row.project !== null) run.project = row.project;
  if (row.git_commit !== null) run.gitCommit = row.git_commit;
  if (row.git_dirty !== null) run.gitDirty = row.git_dirty === 1;
  if (row.exit_code !== null) run.exitCode = row.exit_code;
  if (row.signal !== null) run.signal = row.signal;
  if (row.reason !== null) run.reason = row.reason;
  if (row.cause !== null) run.cause = row.cause;
  if (row.note !== null) run.note = row.note;
  if (row.end_time !== null) run.endTime = row.end_time;
  if (row.agent_pid !== null) run.agentPid = row.agent_pid;
  if (row.agent_id !== null) run.agentId = row.agent_id;
  if (row.system !== null) run.system = JSON.parse(row.system) as MachineInfo;
  if (row.energy !== null && row.energy !== undefined) run.energy = JSON.parse(row.energy) as EnergySummary;
  if (row.join_key !== null && row.join_key !== undefined) run.joinKey = row.join_key;
  if (row.members !== null && row.members !== undefined) run.members = JSON.parse(row.members) as RunMember[];
  return run;
}

/** A row of the series table. SQLite stores NaN as NULL, so `last` is NULL exactly when the last value was NaN. */
export interface SeriesRow {
  id: number;
  run_id: string;
  name: string;
  kind: string;
  context: string | null;
  rank: number | null;
  node: string | null;
  device: string | null;
  unit: string | null;
  count: number;
  min: number | null;
  max: number | null;
  last: number | null;
  first_time: number;
  last_time: number;
  first_step: number | null;
  last_step: number | null;
  first_epoch: number | null;
  last_epoch: number | null;
}

export function seriesFromRow(row: SeriesRow): SeriesSummary {
  const summary: SeriesSummary = {
    id: row.id,
    runId: row.run_id,
    name: row.name,
    kind: row.kind as SeriesKind,
    count: row.count,
    min: row.min,
    max: row.max,
    last: row.last ?? Number.NaN,
    firstTime: row.first_time,
    lastTime: row.last_time,
  };
  if (row.context !== null) summary.context = row.context;
  if (row.rank !== null) summary.rank = row.rank;
  if (row.node !== null) summary.node = row.node;
  if (row.device !== null) summary.device = row.device;
  if (row.unit !== null) summary.unit = row.unit;
  if (row.first_step !== null) summary.firstStep = row.first_step;
  if (row.last_step !== null) summary.lastStep = row.last_step;
  if (row.first_epoch !== null) summary.firstEpoch = row.first_epoch;
  if (row.last_epoch !== null) summary.lastEpoch = row.last_epoch;
  return summary;
}

/** NaN as SQL NULL, for range columns where NULL means "absent". */
export function nullIfNaN(value: number): number | null {
  return Number.isNaN(value) ? null : value;
}

/** A float as 8 bytes, for the one column where NaN must survive (a chunk's last value). */
export function float64Blob(value: number): Buffer {
  const buffer = Buffer.alloc(8);
  buffer.writeDoubleLE(value, 0);
  return buffer;
}

export function float64FromBlob(blob: Uint8Array): number {
  return Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength).readDoubleLE(0);
}
