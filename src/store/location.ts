import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** runmeter's home: `$RUNMETER_HOME`, else `~/.runmeter`. */
export function runmeterHome(env: NodeJS.ProcessEnv = process.env): string {
  return env.RUNMETER_HOME && env.RUNMETER_HOME !== '' ? path.resolve(env.RUNMETER_HOME) : path.join(os.homedir(), '.runmeter');
}

/** Where a store spec points, resolved: a PostgreSQL URL, or the SQLite file and the folder beside it for output. */
export function storeLocation(
  spec: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): { kind: 'sqlite'; dbFile: string; filesDir: string } | { kind: 'postgres'; url: string } {
  const chosen = spec ?? (env.RUNMETER_STORE && env.RUNMETER_STORE !== '' ? env.RUNMETER_STORE : undefined);
  if (chosen !== undefined && /^postgres(ql)?:\/\//.test(chosen)) return { kind: 'postgres', url: chosen };
  const target = chosen === undefined ? runmeterHome(env) : path.resolve(chosen);
  const isFile = /\.(db|sqlite|sqlite3)$/.test(target) || (fs.existsSync(target) && fs.statSync(target).isFile());
  if (isFile) return { kind: 'sqlite', dbFile: target, filesDir: `${target}-files` };
  return { kind: 'sqlite', dbFile: path.join(target, 'runmeter.db'), filesDir: target };
}
