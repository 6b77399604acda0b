// The shapes of a joined run's members, apart from the logic (run-members.ts), so that the dashboard can use them
// without Node's types.
import type { EnergySummary } from './energy-types.js';
import type { MachineInfo, RunStatus } from './run.js';

/** One agent of a joined run: the node it ran on, its command and how its job ended. */
export interface RunMember {
  /** The member's identity in the run: its node name, a dot and a random part (a node that joins again is a new member). Names its output. */
  key: string;
  /** The node's name: its host name, or `--node` / RUNMETER_NODE. Every series the member records carries it. */
  node: string;
  host: string;
  command: string[];
  cwd: string;
  status: RunStatus;
  exitCode?: number;
  signal?: string;
  reason?: string;
  cause?: string;
  startTime: number;
  endTime?: number;
  /** The agent's pid and process identity, to find a member whose agent died (then `lost`). */
  agentPid?: number;
  agentId?: string;
  system?: MachineInfo;
  energy?: EnergySummary;
}

/** What a batch says about its member: the whole member with its first batch, changed fields later. */
export type MemberUpdate = Partial<RunMember> & Pick<RunMember, 'key' | 'node'>;

/** The part of a run's row that its members decide. `undefined` clears a field (a member that joins again reopens the run). */
export interface JoinedRunState {
  status: RunStatus;
  exitCode: number | undefined;
  signal: string | undefined;
  reason: string | undefined;
  cause: string | undefined;
  endTime: number | undefined;
  /** The earliest member's start: the run started when its first node did. */
  startTime: number | undefined;
  energy: EnergySummary | undefined;
}
