import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/model/errors.js';
import { changeTags, checkNote, checkRunName, checkTag, MAX_NOTE } from '../../src/model/organise.js';

describe('organising runs', () => {
  it('trims names and refuses empty, long or control-character ones, saying which', () => {
    expect(checkRunName('  resnet50 ')).toBe('resnet50');
    expect(() => checkRunName('   ')).toThrow('the name must not be empty');
    expect(() => checkRunName('x'.repeat(201))).toThrow('at most 200 characters, got 201');
    expect(() => checkRunName('a\x1b[31mb', 'NAME')).toThrow(UsageError);
    expect(() => checkRunName('a\x1b[31mb', 'NAME')).toThrow(/^NAME must not contain control characters/);
  });

  it('takes one-word tags only', () => {
    expect(checkTag('lr-sweep')).toBe('lr-sweep');
    for (const bad of ['', 'two words', 'a,b', 'tab\there', 'x'.repeat(65)]) expect(() => checkTag(bad)).toThrow(UsageError);
  });

  it('adds and removes tags keeping their order, each once', () => {
    expect(changeTags(['sweep', 'old'], ['best', 'sweep', 'best'], ['old'])).toEqual(['sweep', 'best']);
    expect(changeTags([], ['a'], ['a'])).toEqual([]);
  });

  it('limits notes to 64 KiB', () => {
    expect(checkNote('é'.repeat(1000))).toHaveLength(1000);
    expect(() => checkNote('x'.repeat(MAX_NOTE + 1))).toThrow('at most 64 KiB');
  });
});
