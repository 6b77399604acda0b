import { describe, expect, it } from 'vitest';
import { parsePatternSpec } from '../../../src/parse/config.js';
import { brief, parse } from '../helpers.js';

describe("the user's own patterns", () => {
  it('reads name, value and step groups, every match on a line', () => {
    const pairs = parsePatternSpec('(?<name>\\w+)=(?<value>[^,\\s]+)');
    expect(parse('loss=0.5, acc=0.9\n', { patterns: [pairs] }).metrics.map((m) => [m.name, m.value, m.format])).toEqual([
      ['loss', 0.5, 'pattern'],
      ['acc', 0.9, 'pattern'],
    ]);
    const withStep = parsePatternSpec('loss=/iter (?<step>\\d+): loss (?<value>\\S+)/');
    expect(parse('iter 7: loss 0.25\n', { patterns: [withStep] }).metrics.map(brief)).toEqual(['loss@s7=0.25']);
  });

  it('attaches the epoch printed on an earlier line (scikit-learn SGD: -- Epoch 3) to points whose pattern gives none (issue 13)', () => {
    const pattern = parsePatternSpec('avg_loss=/Avg\\. loss: (\\S+)/');
    const log = '-- Epoch 3\nNorm: 6.53, NNZs: 30, Bias: -0.35, T: 455, Avg. loss: 0.312\n-- Epoch 4\nNorm: 6.1, Avg. loss: 0.29\n';
    const points = parse(log, { patterns: [pattern], formats: ['json'] }).metrics;
    expect(points.map((m) => [m.name, m.value, m.epoch, m.format])).toEqual([
      ['avg_loss', 0.312, 3, 'pattern'],
      ['avg_loss', 0.29, 4, 'pattern'],
    ]);
  });

  it('gives a fixed name with NAME=/REGEX/flags, the value being the first group', () => {
    const pattern = parsePatternSpec('reward=/episode \\d+ reward (\\S+)/i');
    expect(pattern.name).toBe('reward');
    expect(pattern.regex.flags).toBe('i');
    expect(parse('Episode 3 reward -12.5\n', { patterns: [pattern] }).metrics.map(brief)).toEqual(['reward=-12.5']);
  });

  it('takes the line before the built-in formats, and warns when a match has no number', () => {
    const patterns = [parsePatternSpec('"metric": "(?<name>\\w+)", "value": (?<value>\\w+)')];
    const { metrics, warnings } = parse('{"metric": "loss", "value": 0.5}\n{"metric": "acc", "value": abc}\n', { patterns });
    expect(metrics.map((m) => [m.name, m.format])).toEqual([['loss', 'pattern']]);
    expect(warnings).toEqual([
      { line: 2, message: 'rejected: pattern /"metric": "(?<name>\\w+)", "value": (?<value>\\w+)/ matched "acc" but its value "abc" is not a number' },
    ]);
  });

  it('refuses patterns that cannot name a metric or find its value, saying which flag', () => {
    expect(() => parsePatternSpec('loss (\\S+)')).toThrow('--pattern: /loss (\\S+)/ needs a (?<name>...) group, or a fixed name as NAME=/REGEX/');
    expect(() => parsePatternSpec('loss=/loss/')).toThrow('needs a (?<value>...) group');
    expect(() => parsePatternSpec('(?<name>')).toThrow('is not a valid regular expression');
  });

  it('takes the value from the first group without a name, whatever named groups come before it', () => {
    const reward = parsePatternSpec('reward=/episode (?<step>\\d+) reward (\\S+)/i');
    expect(parse('episode 3 Reward 1.5e+01\n', { patterns: [reward] }).metrics.map(brief)).toEqual(['reward@s3=15']);
    const named = parsePatternSpec('(?<name>\\w+): (\\S+)');
    expect(parse('loss: 0.5 acc: 0.75\n', { patterns: [named] }).metrics.map(brief)).toEqual(['loss=0.5', 'acc=0.75']);
    // Groups that capture nothing, and parentheses that are escaped or in a class, are not counted.
    const tricky = parsePatternSpec('x=/\\((?:a|b)[(](?<step>\\d+)\\) (?<epoch>\\d+) (?=\\S)(\\S+)/');
    expect(parse('(a(4) 2 0.5\n', { patterns: [tricky] }).metrics.map((m) => [m.value, m.step, m.epoch])).toEqual([[0.5, 4, 2]]);
  });

  it('refuses a pattern whose only groups have names other than value', () => {
    expect(() => parsePatternSpec('reward=/episode (?<step>\\d+) reward/')).toThrow(
      '--pattern: /episode (?<step>\\d+) reward/ needs a (?<value>...) group, or a group without a name, for the number',
    );
  });

  it('takes no step that a double cannot hold exactly', () => {
    const pattern = parsePatternSpec('loss=/iter (?<step>\\d+): (\\S+)/');
    expect(parse('iter 99999999999999999999: 0.5\n', { patterns: [pattern] }).metrics.map((m) => [m.value, m.step])).toEqual([[0.5, undefined]]);
  });
});
