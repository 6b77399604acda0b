import type { Command } from 'commander';
import { UsageError } from '../model/errors.js';
import type { RemoteTarget } from '../store/http/remote-client.js';
import type { CliContext } from './context.js';

/** The commands that read a team server's runs with `--server URL` or RUNMETER_SERVER set. */
export const remoteReadCommands = ['ls', 'show', 'logs', 'export', 'compare'];

/**
 * Gives the commands that read runs `--server URL` and `--token TOKEN`, and before each of them runs, tells the
 * context where to read: the server (flag, else RUNMETER_SERVER) unless `--store` names a store.
 */
export function addServerOptions(program: Command, context: CliContext): void {
  for (const command of program.commands) {
    if (!remoteReadCommands.includes(command.name())) continue;
    command
      .option('--server <url>', 'read the runs of this runmeter server (default: $RUNMETER_SERVER)')
      .option('--token <token>', 'token for --server (default: $RUNMETER_TOKEN)')
      .hook('preAction', (_, action) => {
        context.server = remoteTarget(action.name(), action.opts(), context.env);
      });
  }
}

/** Where a command reads: a server, or undefined for the store (`--store` given, or no server configured). */
export function remoteTarget(command: string, flags: { server?: string; token?: string; store?: string }, env: NodeJS.ProcessEnv): RemoteTarget | undefined {
  if (flags.server !== undefined && flags.store !== undefined) {
    throw new UsageError(`--server and --store name two places to read runs from; give one (got --server ${flags.server} and --store ${flags.store})`);
  }
  if (flags.store !== undefined) return undefined;
  const url = flags.server ?? (env.RUNMETER_SERVER || undefined);
  if (url === undefined) return undefined;
  const token = flags.token ?? (env.RUNMETER_TOKEN || undefined);
  return {
    url,
    command,
    urlFrom: flags.server !== undefined ? '--server' : 'RUNMETER_SERVER',
    ...(token === undefined ? {} : { token, tokenFrom: flags.token !== undefined ? '--token' : 'RUNMETER_TOKEN' }),
  };
}
