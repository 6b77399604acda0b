import path from 'node:path';
import { openDatabase } from '../../src/store/sqlite/database-file.js';
import { jobsDir, runCli } from '../helpers/cli.js';

/** A second connection to a store's database, with the driver runmeter itself uses on this Node. */
export const openSqlite = (file: string) => openDatabase(file, false);
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
