import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open.js';
import { runCli, tempHome } from '../helpers/cli.js';

const mode = (file: string) => fs.statSync(file).mode & 0o777;
const isRoot = process.getuid?.() === 0;

/**
 * A symbolic link as an attacker plants one: made by another user (uid 4242). Only root can make a link look like
 * that, so the tests that need one run as root (as CI does); a link the user made is followed, as tested below.
 */
function plantLink(target: string, link: string): void {
  fs.symlinkSync(target, link);
  fs.lchownSync(link, 4242, 4242);
}

describe('a new store is private', () => {
  it('makes its folders 0700 and its database and output files 0600, whatever the umask', async () => {
    const home = path.join(tempHome(), 'nested', 'store');
    const before = process.umask(0o022);
    try {
      const store = openStore(home, {});
      const run = await store.createRun({ name: 'x', command: ['x'], cwd: '/', host: 'h', user: 'u', startTime: 1, version: '0', source: 'sdk' });
      await store.appendOutput(run.id, 'stdout', new TextEncoder().encode('secret\n'), 2);
      await store.close();
    } finally {
      process.umask(before);
    }
    expect(mode(home)).toBe(0o700);
    expect(mode(path.join(home, 'runmeter.db'))).toBe(0o600);
    const runDir = path.join(home, 'runs', fs.readdirSync(path.join(home, 'runs'))[0] as string);
    expect(mode(path.join(home, 'runs'))).toBe(0o700);
    expect(mode(runDir)).toBe(0o700);
    expect(mode(path.join(runDir, 'stdout.log'))).toBe(0o600);
  });

  it("refuses a database path that is a symbolic link, even the user's own (only the store folder may be one)", () => {
    const home = tempHome();
    const target = path.join(tempHome(), 'victim');
    fs.writeFileSync(target, '');
    fs.symlinkSync(target, path.join(home, 'runmeter.db'));
    expect(() => openStore(home, {})).toThrow(/cannot open the store at .*symbolic link/);
    expect(fs.statSync(target).size).toBe(0);
  });
});

/** A store as an older runmeter left it: folder 0755, database and WAL 0644, a run's output readable by all. */
async function looseStore(dir: string): Promise<void> {
  const store = openStore(dir, {});
  const run = await store.createRun({ name: 'x', command: ['x'], cwd: '/', host: 'h', user: 'u', startTime: 1, version: '0', source: 'sdk' });
  await store.appendOutput(run.id, 'stdout', new TextEncoder().encode('secret\n'), 2);
  await store.close();
  fs.chmodSync(dir, 0o755);
  for (const name of ['runmeter.db', 'runmeter.db-wal', 'runmeter.db-shm']) if (fs.existsSync(path.join(dir, name))) fs.chmodSync(path.join(dir, name), 0o644);
}

describe('an existing store is made private when opened', () => {
  it('tightens a store folder left 0755 to 0700, and its database to 0600', async () => {
    const home = path.join(tempHome(), 'old-store');
    await looseStore(home);
    fs.writeFileSync(path.join(home, 'runmeter.db-wal'), '', { mode: 0o644 });
    fs.chmodSync(path.join(home, 'runmeter.db-wal'), 0o644);
    expect(mode(home)).toBe(0o755);
    const store = openStore(home, {});
    expect((await store.listRuns()).length).toBe(1);
    await store.close();
    expect(mode(home)).toBe(0o700);
    expect(mode(path.join(home, 'runmeter.db'))).toBe(0o600);
  });

  it("tightens a .db store's -files folder, and leaves the folder the user put the .db in as it was", async () => {
    const folder = path.join(tempHome(), 'project');
    fs.mkdirSync(folder);
    fs.chmodSync(folder, 0o755);
    const db = path.join(folder, 'runs.db');
    const store = openStore(db, {});
    const run = await store.createRun({ name: 'x', command: ['x'], cwd: '/', host: 'h', user: 'u', startTime: 1, version: '0', source: 'sdk' });
    await store.appendOutput(run.id, 'stdout', new TextEncoder().encode('secret\n'), 2);
    await store.close();
    fs.chmodSync(`${db}-files`, 0o755);
    fs.chmodSync(db, 0o644);
    await openStore(db, {}).close();
    expect(mode(folder)).toBe(0o755);
    expect(mode(`${db}-files`)).toBe(0o700);
    expect(mode(db)).toBe(0o600);
  });

  it.skipIf(!isRoot)('refuses a store folder that is a planted symbolic link, naming it, and changes nothing where it points', async () => {
    const target = path.join(tempHome(), 'elsewhere');
    await looseStore(target);
    const before = fs.readdirSync(target).map((name) => [name, fs.statSync(path.join(target, name)).mtimeMs]);
    const link = path.join(tempHome(), 'store-link');
    plantLink(target, link);
    expect(() => openStore(link, {})).toThrow(`refusing the store folder ${link}: it is a symbolic link made by uid 4242`);
    // As a user meets it: the command fails with one line naming the folder, and no stack trace.
    const result = await runCli(['ls'], { home: link });
    expect(result.code).not.toBe(0);
    expect(result.stderr.toString()).toContain(`refusing the store folder ${link}: it is a symbolic link`);
    expect(result.stderr.toString()).not.toContain('    at ');
    expect(mode(target)).toBe(0o755);
    expect(fs.readdirSync(target).map((name) => [name, fs.statSync(path.join(target, name)).mtimeMs])).toEqual(before);
  });

  it.skipIf(!isRoot)('runs the job under a home that is a planted symbolic link without writing anything through the link', async () => {
    const target = path.join(tempHome(), 'elsewhere');
    fs.mkdirSync(target);
    const link = path.join(tempHome(), 'home-link');
    plantLink(target, link);
    const temp = tempHome();
    const result = await runCli(['run', '--no-system', '--', process.execPath, '-e', 'console.log("hi"); console.error("there"); process.exitCode = 4'], {
      home: link,
      env: { TMPDIR: temp },
    });
    expect(result.code).toBe(4);
    expect(result.stdout.toString()).toBe('hi\n');
    // The job's line whole, wherever runmeter's own lines fall around it (they come from another thread).
    expect(result.stderr.toString()).toMatch(/(^|\n)there\n/);
    expect(result.stderr.toString()).toContain(`refusing the store folder ${link}: it is a symbolic link`);
    // Neither the store, the agent's copy of the output, nor the spool went through the link: what is left waits in a
    // private folder in the temp dir.
    expect(fs.readdirSync(target)).toEqual([]);
    expect(result.stderr.toString()).toContain(`waits in ${temp}`);
  });

  it.skipIf(!isRoot)('refuses a database that is a planted symbolic link in a store folder that is fine', () => {
    const home = tempHome();
    const target = path.join(tempHome(), 'victim.db');
    fs.writeFileSync(target, '');
    plantLink(target, path.join(home, 'runmeter.db-wal'));
    expect(() => openStore(home, {})).toThrow(`refusing the store database ${path.join(home, 'runmeter.db-wal')}: it is a symbolic link made by uid 4242`);
    expect(fs.statSync(target).size).toBe(0);
  });

  it("follows the user's own link (a home moved to a bigger disk), and makes what it points at private", async () => {
    const target = path.join(tempHome(), 'big-disk', 'runmeter');
    await looseStore(target);
    const link = path.join(tempHome(), 'dot-runmeter');
    fs.symlinkSync(target, link);
    const store = openStore(link, {});
    expect((await store.listRuns()).length).toBe(1);
    await store.close();
    expect(mode(target)).toBe(0o700);
    expect(mode(path.join(target, 'runmeter.db'))).toBe(0o600);
    const result = await runCli(['run', '--no-system', '--', process.execPath, '-e', 'console.log(JSON.stringify({metric: "loss", value: 0.5, step: 1}))'], {
      home: link,
    });
    expect(result.code).toBe(0);
    expect(result.stderr.toString()).not.toContain('refusing');
    const reopened = openStore(target, {});
    expect((await reopened.listRuns()).length).toBe(2);
    await reopened.close();
  });

  it.skipIf(!isRoot)('refuses a store folder, or a database, that belongs to another user (run as root: chowned to uid 4242)', async () => {
    const home = path.join(tempHome(), 'theirs');
    await looseStore(home);
    fs.chownSync(home, 4242, 4242);
    expect(() => openStore(home, {})).toThrow(`refusing the store folder ${home}: it belongs to uid 4242, not to this user (uid 0)`);
    expect(mode(home)).toBe(0o755);
    fs.chownSync(home, 0, 0);
    fs.chownSync(path.join(home, 'runmeter.db'), 4242, 4242);
    expect(() => openStore(home, {})).toThrow(`refusing the store database ${path.join(home, 'runmeter.db')}: it belongs to uid 4242`);
    expect(mode(path.join(home, 'runmeter.db'))).toBe(0o644);
  });
});
