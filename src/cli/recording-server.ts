import { UsageError } from '../model/errors.js';

/** The flags of a command that records on a store or a team server. */
export interface RecordingFlags {
  store?: string;
  server?: string;
  token?: string;
}

/**
 * The server a recording command writes to: --server, else $RUNMETER_SERVER when no --store is given; its token from
 * --token or $RUNMETER_TOKEN. Undefined: the store.
 */
export function recordingServer(flags: RecordingFlags, env: NodeJS.ProcessEnv): { url: string; token?: string } | undefined {
  if (flags.server !== undefined && flags.store !== undefined) throw new UsageError('--server and --store exclude each other: a run is recorded in one place');
  const url = flags.server ?? (flags.store === undefined ? env.RUNMETER_SERVER || undefined : undefined);
  if (url === undefined) return undefined;
  if (!/^https?:\/\//.test(url)) throw new UsageError(`--server expects an http:// or https:// URL, got "${url}"`);
  const token = flags.token ?? (env.RUNMETER_TOKEN || undefined);
  return { url, ...(token === undefined ? {} : { token }) };
}
