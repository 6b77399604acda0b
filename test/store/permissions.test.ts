import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open.js';
import { tempHome } from '../helpers/cli.js';

const mode = (file: string) => fs.statSync(file).mode & 0o777;

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

  it('refuses a database path that is a planted symbolic link', () => {
    const home = tempHome();
    const target = path.join(tempHome(), 'victim');
    fs.writeFileSync(target, '');
    fs.symlinkSync(target, path.join(home, 'runmeter.db'));
    expect(() => openStore(home, {})).toThrow(/cannot open the store at .*symbolic link/);
    expect(fs.statSync(target).size).toBe(0);
  });
});
