// The members of a joined run (`runmeter run --join KEY`): one agent each, on its node, and the run's state as the
// whole of theirs.
import type { EnergySummary } from './energy-types.js';
import { RunmeterError, UsageError } from './errors.js';
import type { Run, RunStatus } from './run.js';
import type { JoinedRunState, MemberUpdate, RunMember } from './run-member-types.js';

export type { JoinedRunState, MemberUpdate, RunMember } from './run-member-types.js';

/** Worse first: the status a joined run ends with is the worst of its members'. */
const severity: Record<RunStatus, number> = { failed: 4, lost: 3, killed: 2, succeeded: 1, running: 0 };

/** A member's key: its node and a random part, safe as a file name. */
export function newMemberKey(node: string, random: (n: number) => Uint8Array = (n) => crypto.getRandomValues(new Uint8Array(n))): string {
  return `${node}.${Array.from(random(4), (byte) => byte.toString(16).padStart(2, '0')).join('')}`;
}

/** A node name must be safe in a file name and a label: letters, digits, `.`, `_`, `-`, at most 64. */
export function checkNodeName(node: string, from: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(node))
    throw new UsageError(
      `${from} must be a node name of 1 to 64 letters, digits, ".", "_" or "-" (starting with a letter or digit), got ${JSON.stringify(node)}`,
    );
  return node;
}

/** A join key: any text of 1 to 200 characters without control characters. */
export function checkJoinKey(key: string, from: string): string {
  if (key.length === 0 || key.length > 200 || /[\u0000-\u001f\u007f]/.test(key))
    throw new UsageError(`${from} must be a join key of 1 to 200 characters without control characters, got ${JSON.stringify(key)}`);
  return key;
}

const idAlphabet = '0123456789abcdefghijklmnopqrstuvwxyz';

/**
 * The run id every agent with one join key computes: 8 characters of [0-9a-z] from a SHA-256 of the key. The first
 * batch that reaches the store creates the run with it (INSERT ... ON CONFLICT DO NOTHING, in the batch's
 * transaction), the others attach: two agents starting at once make one run, even when the store or server is away
 * and their batches wait in spools.
 */
export async function joinRunId(key: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`runmeter join\u0000${key}`)));
  let id = '';
  for (const byte of digest.subarray(0, 8)) id += idAlphabet[byte % 36];
  return id;
}

/** Merges a batch's member update into the members a run has (a new key is a new member, in arrival order). */
export function mergeMember(members: readonly RunMember[], update: MemberUpdate): RunMember[] {
  const at = members.findIndex((member) => member.key === update.key);
  if (at < 0) {
    const added: RunMember = { host: '', command: [], cwd: '', status: 'running', startTime: Date.now(), ...update };
    return [...members, added];
  }
  const merged = [...members];
  merged[at] = { ...(members[at] as RunMember), ...update };
  return merged;
}

/**
 * A joined run's state from its members': running while any is; then the worst status (failed, then lost, then
 * killed, then succeeded), with that member's exit code, signal, reason and cause, and the latest end. The energy
 * is the sum of the members'.
 */
export function joinedRunState(members: readonly RunMember[]): JoinedRunState {
  const energy = sumEnergy(members.flatMap((member) => (member.energy === undefined ? [] : [{ node: member.node, energy: member.energy }])));
  const starts = members.map((member) => member.startTime).filter((time) => Number.isFinite(time));
  const startTime = starts.length === 0 ? undefined : Math.min(...starts);
  const none = { exitCode: undefined, signal: undefined, reason: undefined, cause: undefined, endTime: undefined, startTime, energy };
  if (members.length === 0 || members.some((member) => member.status === 'running')) return { status: 'running', ...none };
  let worst = members[0] as RunMember;
  for (const member of members) if (severity[member.status] > severity[worst.status]) worst = member;
  let endTime: number | undefined;
  for (const member of members) if (member.endTime !== undefined) endTime = Math.max(endTime ?? member.endTime, member.endTime);
  return {
    status: worst.status,
    exitCode: worst.exitCode,
    signal: worst.signal,
    reason: worst.reason,
    cause: worst.cause === undefined ? undefined : members.length > 1 ? `${worst.node}: ${worst.cause}` : worst.cause,
    endTime,
    startTime,
    energy,
  };
}

function sumEnergy(parts: Array<{ node: string; energy: EnergySummary }>): EnergySummary | undefined {
  const first = parts[0];
  if (first === undefined) return undefined;
  if (parts.length === 1) return first.energy;
  const sum: EnergySummary = { joules: 0, kwh: 0, estimatedJoules: 0, bySource: [], co2eGrams: 0, gridIntensity: first.energy.gridIntensity };
  for (const { node, energy } of parts) {
    sum.joules += energy.joules;
    sum.kwh += energy.kwh;
    sum.estimatedJoules += energy.estimatedJoules;
    sum.co2eGrams += energy.co2eGrams;
    for (const use of energy.bySource) sum.bySource.push({ ...use, source: `${node}/${use.source}` });
  }
  return sum;
}

/** Whether a batch's run may attach to the stored run with its id: a join key that differs is another run (a hash collision). */
export function checkJoinAttach(runId: string, storedKey: string | null | undefined, batchKey: string | undefined, location: string): void {
  if (batchKey === undefined || storedKey === undefined || storedKey === batchKey) return;
  throw new RunmeterError(
    'E_JOIN_CONFLICT',
    `run ${runId} in ${location} ${storedKey === null ? 'was not made by --join' : `belongs to join key ${JSON.stringify(storedKey)}`}, not ${JSON.stringify(batchKey)}; use another --join key`,
  );
}

/** Why a run, or a member of a joined run, is `lost`. */
export const LOST_REASON = 'the runmeter process recording this run stopped before the job ended';

/** The running members, on `host`, of joined runs whose agent is gone: they are `lost`. */
export function lostMembersOf(
  runs: readonly Run[],
  host: string,
  isAlive: (pid: number, agentId?: string) => boolean,
): Array<{ run: Run; members: RunMember[] }> {
  const found: Array<{ run: Run; members: RunMember[] }> = [];
  for (const run of runs) {
    if (run.joinKey === undefined) continue;
    const members = (run.members ?? []).filter(
      (member) => member.status === 'running' && member.host === host && (member.agentPid === undefined || !isAlive(member.agentPid, member.agentId)),
    );
    if (members.length > 0) found.push({ run, members });
  }
  return found;
}
