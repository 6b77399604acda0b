import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeDirectory } from '../../src/store/make-directory.js';

describe('makeDirectory', () => {
  it('creates a folder and its missing parents, and accepts one that exists', () => {
    const base = fs.mkdtempSync(path.join(os.tmpdir(), 'runmeter-mkdir-'));
    const deep = path.join(base, 'a', 'b', 'c');
    makeDirectory(deep);
    makeDirectory(deep);
    expect(fs.statSync(deep).isDirectory()).toBe(true);
  });

  it('fails with the reason where a parent refuses new entries (Node 20 spins for ever there with recursive mkdir)', () => {
    expect(() => makeDirectory('/dev/null/runs/x')).toThrow(/ENOTDIR/);
    if (fs.existsSync('/proc/self')) expect(() => makeDirectory('/proc/no-such-folder/runs')).toThrow(/ENOENT/);
  });
});
