import os from 'node:os';
import { UsageError } from '../model/errors.js';
import { checkJoinKey, checkNodeName } from '../model/run-members.js';

/** Where `--join auto` looks for the job's id, first found wins. */
const AUTO_SOURCES = ['SLURM_JOB_ID', 'TORCHELASTIC_RUN_ID'] as const;

/**
 * The join of `run --join KEY [--node NAME]`: the key (or, for `auto`, $SLURM_JOB_ID, else $TORCHELASTIC_RUN_ID) and
 * this agent's node name (--node, else $RUNMETER_NODE, else the host name). Undefined without --join: a scheduler's
 * variables alone never make runs join.
 */
export function joinFromFlags(flags: { join?: string; node?: string }, env: NodeJS.ProcessEnv): { key: string; node: string } | undefined {
  if (flags.join === undefined) {
    if (flags.node !== undefined) throw new UsageError('--node names this agent in a joined run: give --join KEY with it');
    return undefined;
  }
  let key = flags.join;
  if (key === 'auto') {
    // torchrun sets TORCHELASTIC_RUN_ID to "none" when no --rdzv-id is given: not a job id to join on.
    const source = AUTO_SOURCES.find((name) => env[name] !== undefined && env[name] !== '' && env[name] !== 'none');
    if (source === undefined)
      throw new UsageError(
        `--join auto takes the key from $SLURM_JOB_ID or $TORCHELASTIC_RUN_ID (not "none"), and neither is set here; give the key itself: --join KEY`,
      );
    key = env[source] as string;
  }
  checkJoinKey(key, '--join');
  const node =
    flags.node !== undefined ? checkNodeName(flags.node, '--node') : env.RUNMETER_NODE ? checkNodeName(env.RUNMETER_NODE, 'RUNMETER_NODE') : hostNode();
  return { key, node };
}

/** The host name as a node name (characters a node name may not hold become "-"). */
function hostNode(): string {
  const name = os
    .hostname()
    .replace(/[^A-Za-z0-9._-]/g, '-')
    .slice(0, 64);
  return /^[A-Za-z0-9]/.test(name) ? name : `n${name.slice(0, 63)}`;
}
