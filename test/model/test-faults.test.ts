import { describe, expect, it } from 'vitest';
import { parseTestFaults, testFault } from '../../src/model/test-faults.js';

describe('RUNMETER_TEST_FAIL (test only)', () => {
  it('reads PART:N entries, several per part', () => {
    expect(parseTestFaults('parse:100, sample:3,store:5,store:7')).toEqual(
      new Map([
        ['parse', [100]],
        ['sample', [3]],
        ['store', [5, 7]],
      ]),
    );
    expect(parseTestFaults(undefined)).toBeUndefined();
    expect(parseTestFaults(' ')).toBeUndefined();
  });

  it('names the variable and the entry it cannot read', () => {
    for (const bad of ['parser:1', 'store:0', 'sample:x', 'store', 'store:1:2']) {
      expect(() => parseTestFaults(bad)).toThrow(
        `RUNMETER_TEST_FAIL expects PART:N entries (PART parse, sample, store or pump; N from 1), comma-separated, got "${bad}"`,
      );
    }
  });

  it('costs nothing when unset: no check to call', () => {
    // The test runner's environment has no RUNMETER_TEST_FAIL (the fault tests set it for the runmeter they start).
    expect(process.env.RUNMETER_TEST_FAIL).toBeUndefined();
    expect(testFault('parse')).toBeUndefined();
    expect(testFault('sample')).toBeUndefined();
    expect(testFault('store')).toBeUndefined();
  });
});
