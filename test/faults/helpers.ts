import { createRequire } from 'node:module';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { jobsDir, runCli } from '../helpers/cli.js';

export const BetterSqlite3 = createRequire(import.meta.url)('better-sqlite3') as typeof Database;
export const node = process.execPath;
export const job = (name: string) => path.join(jobsDir, name);

/** How many points of series `name` the run `ref` has stored (0 when it has none). */
export async function storedCount(home: string, ref: string, name = 'loss', store: string[] = []): Promise<number> {
  const result = await runCli(['show', ref, '--json', ...store], { home });
  if (result.code !== 0) throw new Error(`show failed: ${result.stderr.toString()}`);
  const { series } = JSON.parse(result.stdout.toString()) as { series: Array<Record<string, unknown>> };
  return (series.find((s) => s.name === name)?.count as number | undefined) ?? 0;
}

/** The run's stored stdout, byte for byte, as `runmeter logs --stdout` returns it. */
export async function storedStdout(home: string, ref: string, store: string[] = []): Promise<Buffer> {
  const result = await runCli(['logs', '--stdout', ref, ...store], { home });
  if (result.code !== 0) throw new Error(`logs failed: ${result.stderr.toString()}`);
  return result.stdout;
}
