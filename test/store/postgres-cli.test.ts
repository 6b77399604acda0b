import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { realFixtures, runCli, tempHome } from '../helpers/cli.js';
import { postgresDatabase, postgresSkipReason, requirePostgres } from '../helpers/postgres.js';

requirePostgres();
const database = postgresDatabase();

describe.skipIf(postgresSkipReason !== undefined)(
  `local commands on --store postgres://${postgresSkipReason ? ` [skipped: ${postgresSkipReason}]` : ''}`,
  () => {
    it('import, ls, show, logs (byte for byte), export, rm and gc work on PostgreSQL as on a folder', async () => {
      const store = await database.schema();
      const home = tempHome();
      const log = path.join(realFixtures, 'logs', 'keras1_verbose1.log');
      const imported = await runCli(['import', log, '--name', 'keras', '--store', store], { home });
      expect(imported.code).toBe(0);
      const listed = JSON.parse((await runCli(['ls', '--json', '--store', store], { home })).stdout.toString()).runs;
      expect(listed.map((r: { name: string; status: string }) => [r.name, r.status])).toEqual([['keras', 'succeeded']]);
      const shown = await runCli(['show', 'keras', '--json', '--store', store], { home });
      expect(JSON.parse(shown.stdout.toString()).series.length).toBeGreaterThan(0);
      const logs = await runCli(['logs', 'keras', '--store', store], { home });
      expect(logs.stdout.equals(fs.readFileSync(log))).toBe(true);
      const csv = await runCli(['export', 'keras', '--format', 'csv', '--store', store], { home });
      expect(csv.code).toBe(0);
      expect(csv.stdout.toString().split('\n').length).toBeGreaterThan(3);
      // The URL may come from the environment too.
      const env = { RUNMETER_STORE: store };
      expect((await runCli(['gc', '--older-than', '1d', '-y'], { home, env })).code).toBe(0);
      expect(JSON.parse((await runCli(['ls', '--json'], { home, env })).stdout.toString()).runs).toHaveLength(1);
      expect((await runCli(['rm', 'keras', '-y'], { home, env })).code).toBe(0);
      expect(JSON.parse((await runCli(['ls', '--json'], { home, env })).stdout.toString()).runs).toEqual([]);
    });

    it('says which store it could not reach, without the password', async () => {
      const result = await runCli(['ls', '--store', 'postgres://ada:hunter2@127.0.0.1:1/runs'], { home: tempHome() });
      expect(result.code).toBe(1);
      expect(result.stderr.toString()).toContain('the store at postgres://ada:***@127.0.0.1:1/runs is unavailable');
      expect(result.stderr.toString()).not.toContain('hunter2');
    });
  },
);
