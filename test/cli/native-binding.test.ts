import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hasNodeSqlite, sqliteDriver } from '../../src/store/sqlite/database-file.js';

const root = path.resolve(import.meta.dirname, '../..');
const made: string[] = [];
afterAll(() => {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
});

/** An install of runmeter (this build's dist and bin) whose better-sqlite3 has no compiled binding, as after --ignore-scripts. */
function installWithoutBinding(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runmeter-nobinding-'));
  made.push(dir);
  // Copies, not links: Node resolves modules from a file's real path.
  for (const entry of ['dist', 'bin', 'package.json']) fs.cpSync(path.join(root, entry), path.join(dir, entry), { recursive: true });
  const modules = path.join(dir, 'node_modules');
  fs.mkdirSync(modules);
  for (const entry of fs.readdirSync(path.join(root, 'node_modules'))) {
    if (entry !== 'better-sqlite3') fs.symlinkSync(path.join(root, 'node_modules', entry), path.join(modules, entry));
  }
  const sqlite = path.join(root, 'node_modules', 'better-sqlite3');
  fs.mkdirSync(path.join(modules, 'better-sqlite3'));
  for (const entry of ['package.json', 'lib']) fs.cpSync(path.join(sqlite, entry), path.join(modules, 'better-sqlite3', entry), { recursive: true });
  return dir;
}

/** `runmeter <args>` from the install without a binding, with the SQLite driver `driver` (unset: this Node's default). */
function runWithoutBinding(dir: string, args: string[], driver?: string) {
  return spawnSync(process.execPath, [path.join(dir, 'bin', 'runmeter'), ...args], {
    env: { ...process.env, RUNMETER_HOME: path.join(dir, 'home'), RUNMETER_STORE: '', RUNMETER_DEBUG: '', RUNMETER_SQLITE_DRIVER: driver ?? '' },
    encoding: 'utf8',
  });
}

describe('a missing native SQLite binding', () => {
  it('gives one line naming the command that fixes it, instead of a stack of search paths', () => {
    const dir = installWithoutBinding();
    const dbFile = path.join(dir, 'runs.db');
    fs.writeFileSync(dbFile, ''); // an existing (empty) store, so that ls opens it
    const result = runWithoutBinding(dir, ['ls', '--store', dbFile], 'better-sqlite3');
    expect(result.status).not.toBe(0);
    const lines = result.stderr.trim().split('\n');
    expect(lines, result.stderr).toHaveLength(1);
    // In the folder whose node_modules lacks the binding: the install's own.
    expect(lines[0]).toContain(`cd '${dir}' && npm rebuild better-sqlite3`);
    expect(lines[0]).toContain(process.version);
    expect(result.stderr).not.toContain('Could not locate the bindings file. Tried');
  });

  it.skipIf(!hasNodeSqlite())('does not matter with node:sqlite (Node 24 and later): runs are recorded and listed without it', () => {
    const dir = installWithoutBinding();
    const dbFile = path.join(dir, 'runs.db');
    const driver = sqliteDriver() === 'node:sqlite' ? undefined : 'node:sqlite';
    const run = runWithoutBinding(dir, ['run', '--store', dbFile, '--name', 'nobinding', '--', process.execPath, '-e', 'console.log("loss=0.5")'], driver);
    expect(run.stderr).toContain('succeeded');
    expect(run.stderr).not.toContain('ExperimentalWarning');
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toBe('loss=0.5\n');
    const ls = runWithoutBinding(dir, ['ls', '--store', dbFile], driver);
    expect(ls.status, ls.stderr).toBe(0);
    expect(ls.stdout).toMatch(/nobinding\s+succeeded.*loss=0\.5/);
    expect(ls.stderr).toBe('');
  });
});
