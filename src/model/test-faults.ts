// TEST ONLY: failures injected on purpose, so that tests can check that runmeter's own problems never reach the job
// (test/faults/injected.test.ts). RUNMETER_TEST_FAIL lists PART:N entries, comma-separated, each firing once:
//   parse:N   the parser throws while it handles line N of a stream (the first stream to reach that line);
//   sample:N  the system sampler throws while it takes its Nth reading;
//   store:N   the SQLite store throws inside its Nth batch's transaction, after the batch's points are written and
//             before it commits, so the transaction rolls back and the batch is retried;
//   pump:N    the pump thread fails before it reads its Nth chunk of the job's output, and the main thread takes the
//             job's pipes over from there.
// Unset, as it always is outside tests, it costs one look at the environment when this module loads: testFault()
// returns undefined, and each call site skips its check with one comparison.

export type FaultPart = 'parse' | 'sample' | 'store' | 'pump';

const parts: readonly FaultPart[] = ['parse', 'sample', 'store', 'pump'];

/** The error an injected failure throws. */
export class TestFault extends Error {
  readonly code = 'E_TEST_FAULT';

  constructor(part: FaultPart, occurrence: number) {
    const where = { parse: 'line', sample: 'reading', store: 'batch', pump: 'chunk' }[part];
    super(`runmeter test fault: ${part} failed at ${where} ${occurrence} (RUNMETER_TEST_FAIL)`);
    this.name = 'TestFault';
  }
}

/** RUNMETER_TEST_FAIL's value read: the occurrences to fail, by part; undefined when unset or empty. */
export function parseTestFaults(value: string | undefined): Map<FaultPart, number[]> | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const wanted = new Map<FaultPart, number[]>();
  for (const entry of value.split(',')) {
    const [part, count, extra] = entry.trim().split(':');
    const occurrence = Number(count);
    if (!parts.includes(part as FaultPart) || extra !== undefined || !Number.isSafeInteger(occurrence) || occurrence < 1) {
      throw new Error(`RUNMETER_TEST_FAIL expects PART:N entries (PART parse, sample, store or pump; N from 1), comma-separated, got "${entry}"`);
    }
    const list = wanted.get(part as FaultPart) ?? [];
    list.push(occurrence);
    wanted.set(part as FaultPart, list);
  }
  return wanted;
}

let wanted: Map<FaultPart, number[]> | undefined | Error;
try {
  wanted = parseTestFaults(process.env.RUNMETER_TEST_FAIL);
} catch (error) {
  wanted = error as Error;
}

/**
 * The check a part calls at each occurrence (the parser with the line number; the sampler and the store with none,
 * and their own count is kept): it throws a TestFault at the occurrences RUNMETER_TEST_FAIL names for the part, once
 * each. Undefined when none is named: call sites do `fault?.()`.
 */
export function testFault(part: FaultPart): ((occurrence?: number) => void) | undefined {
  if (wanted === undefined) return undefined;
  if (wanted instanceof Error) throw wanted;
  const left = wanted.get(part);
  if (left === undefined) return undefined;
  let count = 0;
  return (occurrence = ++count) => {
    const index = left.indexOf(occurrence);
    if (index === -1) return;
    left.splice(index, 1);
    throw new TestFault(part, occurrence);
  };
}
