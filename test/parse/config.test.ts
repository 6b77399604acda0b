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

  it('reads a bare /REGEX/flags as a regex literal, so that /.../g is refused rather than matching nothing (issue 13)', () => {
    expect(() => parsePatternSpec('/(?<name>loss) (?<value>\\S+)/g', '--pattern')).toThrow('--pattern: flag "g" is not supported');
    expect(() => parsePatternSpec('/(?<name>loss) (?<value>\\S+)/gy', '--pattern')).toThrow('flag "gy" is not supported');
    const literal = parsePatternSpec('/(?<name>LOSS) (?<value>\\S+)/i', '--pattern').regex;
    expect([literal.source, literal.flags]).toEqual(['(?<name>LOSS) (?<value>\\S+)', 'i']);
    expect(literal.exec('epoch 1 loss 0.5')?.groups).toEqual({ name: 'loss', value: '0.5' });
    expect(parsePatternSpec('/(?<name>loss) (?<value>\\S+)/', '--pattern').regex.source).toBe('(?<name>loss) (?<value>\\S+)');
    // Still checked for its groups, and a flag JavaScript does not know is named.
    expect(() => parsePatternSpec('/loss (\\S+)/', '--pattern')).toThrow('/loss (\\S+)/ needs a (?<name>...) group');
    expect(() => parsePatternSpec('/(?<name>loss) (?<value>\\S+)/x', '--pattern')).toThrow('is not a valid regular expression');
    // A slash to match at the start is escaped; a regex with slashes inside it stays as it is.
    expect(parsePatternSpec('\\/(?<name>\\w+)=(?<value>\\S+)', '--pattern').regex.exec('/loss=0.5')?.groups?.value).toBe('0.5');
    expect(parsePatternSpec('(?<name>\\w+)/s: (?<value>\\S+)', '--pattern').regex.exec('tok/s: 45')?.groups).toEqual({ name: 'tok', value: '45' });
  });

  it('lets flags add patterns and choose formats over the file', () => {
    const a = { regex: /a(?<value>\d)/, name: 'a' };
    const b = { regex: /b(?<value>\d)/, name: 'b' };
    expect(mergeParseOptions({ patterns: [a], formats: ['json'] }, { patterns: [b], formats: ['keras'] })).toEqual({ patterns: [a, b], formats: ['keras'] });
    expect(mergeParseOptions({ perBatch: true }, {})).toEqual({ perBatch: true });
  });
});
