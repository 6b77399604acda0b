import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadParseConfig, mergeParseOptions, parsePatternSpec } from '../../src/parse/config.js';

function project(config: unknown): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runmeter-config-'));
  fs.mkdirSync(path.join(dir, '.git'));
  fs.mkdirSync(path.join(dir, 'src', 'deep'), { recursive: true });
  if (config !== undefined) fs.writeFileSync(path.join(dir, 'runmeter.config.json'), typeof config === 'string' ? config : JSON.stringify(config));
  return dir;
}

describe('runmeter.config.json', () => {
  it('gives patterns, per-batch and formats, found from a subfolder of the project', () => {
    const dir = project({
      parse: {
        patterns: ['(?<name>\\w+) = (?<value>\\S+)', { name: 'reward', regex: 'reward (\\S+)', flags: 'i' }],
        perBatch: true,
        formats: ['json', 'keras'],
      },
    });
    const options = loadParseConfig(path.join(dir, 'src', 'deep'));
    expect(options.perBatch).toBe(true);
    expect(options.formats).toEqual(['json', 'keras']);
    expect(options.patterns?.map((p) => [p.name, p.regex.source, p.regex.flags])).toEqual([
      [undefined, '(?<name>\\w+) = (?<value>\\S+)', ''],
      ['reward', 'reward (\\S+)', 'i'],
    ]);
  });

  it('is optional, and not looked for above the repository root', () => {
    const outer = project({ parse: { perBatch: true } });
    const inner = path.join(outer, 'inner');
    fs.mkdirSync(path.join(inner, '.git'), { recursive: true });
    expect(loadParseConfig(inner)).toEqual({});
    expect(loadParseConfig(project(undefined))).toEqual({});
    expect(loadParseConfig(project({ other: 1 }))).toEqual({});
  });

  it('names the file and the entry that is wrong', () => {
    const dir = project({ parse: { patterns: ['(?<value>\\S+)'] } });
    expect(() => loadParseConfig(dir)).toThrow(`${path.join(dir, 'runmeter.config.json')}: parse.patterns[0]: /(?<value>\\S+)/ needs a (?<name>...) group`);
    expect(() => loadParseConfig(project({ parse: { formats: ['keras', 'csv'] } }))).toThrow('unknown format "csv"');
    expect(() => loadParseConfig(project('{ not json'))).toThrow('cannot read');
  });

  it('refuses the g and y flags, which would carry a match position from one line to the next (issue 13)', () => {
    expect(() => parsePatternSpec('loss=/loss (\\S+)/g', '--pattern')).toThrow('--pattern: flag "g" is not supported');
    const dir = project({ parse: { patterns: [{ name: 'loss', regex: 'loss (\\S+)', flags: 'iy' }] } });
    expect(() => loadParseConfig(dir)).toThrow('parse.patterns[0]: flag "y" is not supported');
    expect(parsePatternSpec('loss=/LOSS (\\S+)/i', '--pattern').regex.flags).toBe('i');
  });

  it('lets flags add patterns and choose formats over the file', () => {
    const a = { regex: /a(?<value>\d)/, name: 'a' };
    const b = { regex: /b(?<value>\d)/, name: 'b' };
    expect(mergeParseOptions({ patterns: [a], formats: ['json'] }, { patterns: [b], formats: ['keras'] })).toEqual({ patterns: [a, b], formats: ['keras'] });
    expect(mergeParseOptions({ perBatch: true }, {})).toEqual({ perBatch: true });
  });
});
