import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { findErrorLine } from '../../src/model/exit-cause.js';

/** What real Python prints on stderr when this code fails. */
function pythonStderr(code: string): string {
  const result = spawnSync('/usr/bin/python3', ['-c', code], { encoding: 'utf8' });
  expect(result.status).not.toBe(0);
  return result.stderr;
}

describe('the line that says why a job ended', () => {
  it('is the exception line of a real Python traceback, with where it starts', () => {
    const text = `loading data\n${pythonStderr('import json\njson.loads("{bad")')}`;
    const line = findErrorLine(text);
    expect(line?.kind).toBe('traceback');
    expect(line?.text).toMatch(/^json\.decoder\.JSONDecodeError: Expecting property name enclosed in double quotes/);
    expect(text.slice(line?.index)).toMatch(/^json\.decoder\.JSONDecodeError/);
  });

  it('is the last exception of chained tracebacks', () => {
    const text = pythonStderr('try:\n    {}["lr"]\nexcept KeyError:\n    raise ValueError("missing lr in config")');
    expect(text).toContain('During handling of the above exception');
    expect(findErrorLine(text)?.text).toBe('ValueError: missing lr in config');
  });

  it('is the last line reading as an error when there is no traceback, skipping warnings and colour codes', () => {
    const text = 'epoch 1\n\x1b[31mRuntimeError: CUDA error: out of memory\x1b[0m\nwarning: 0 errors after retry\nsaving\n';
    expect(findErrorLine(text)).toEqual({ text: 'RuntimeError: CUDA error: out of memory', index: 8, kind: 'error' });
    expect(findErrorLine('Killed\n')?.text).toBe('Killed');
    expect(findErrorLine('epoch 1\nepoch 2\nUserWarning: deprecated\n')).toBeUndefined();
  });

  it('reads a progress bar line as the terminal showed it last', () => {
    expect(findErrorLine('10%\r50%\rfatal: disk full\n')?.text).toBe('fatal: disk full');
  });
});
