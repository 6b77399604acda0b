import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ParsedMetric } from '../../src/model/point.js';
import { createOutputParser } from '../../src/parse/index.js';
import { root } from '../helpers/cli.js';

// The Python examples need torch, keras, lightning or transformers to run, which a machine may not have; these
// checks need only python3, so the examples never go unchecked.
const examples = path.join(root, 'examples');
const pythonFiles = fs
  .readdirSync(examples)
  .filter((name) => name.endsWith('.py'))
  .sort();
const python = spawnSync('python3', ['--version'], { stdio: 'ignore' }).status === 0;
const hasNumpy = python && spawnSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0;
const kerasStub = path.join(root, 'test', 'examples', 'fixtures', 'keras-stub');

const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) fs.rmSync(dir, { recursive: true, force: true });
});

/** A temp folder for Python's bytecode, so that checking the examples writes nothing into the repository. */
function pycacheDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runmeter-pycache-'));
  temps.push(dir);
  return dir;
}

/** What runmeter's output parser finds in `text`, as `runmeter run` would parse the job's stdout. */
function parseOutput(text: string): ParsedMetric[] {
  const metrics: ParsedMetric[] = [];
  const warnings: string[] = [];
  const parser = createOutputParser({ metric: (m) => metrics.push(m), warning: (w) => warnings.push(`${w.line}: ${w.message}`) });
  parser.push(Buffer.from(text));
  parser.end();
  expect(warnings).toEqual([]);
  return metrics;
}

// Skipped where python3 is missing; the stub run, where numpy is missing.
describe.skipIf(!python)('Python examples without their frameworks', () => {
  it('finds the examples', () => {
    expect(pythonFiles).toEqual(expect.arrayContaining(['huggingface_trainer.py', 'keras_callback.py', 'lightning_example.py', 'pytorch_json_lines.py']));
  });

  it.each(pythonFiles)('byte-compiles %s', (name) => {
    const result = spawnSync('python3', ['-m', 'py_compile', path.join(examples, name)], {
      env: { ...process.env, PYTHONPYCACHEPREFIX: pycacheDir() },
      encoding: 'utf8',
    });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('the byte-compile check fails on a syntax error', () => {
    const dir = pycacheDir();
    const broken = path.join(dir, 'broken.py');
    fs.writeFileSync(broken, 'def main(:\n    pass\n');
    const result = spawnSync('python3', ['-m', 'py_compile', broken], { env: { ...process.env, PYTHONPYCACHEPREFIX: dir }, encoding: 'utf8' });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('SyntaxError');
  });

  it.skipIf(!hasNumpy)('keras_callback.py, run against a stub keras, prints JSON lines that runmeter parses', () => {
    const result = spawnSync('python3', [path.join(examples, 'keras_callback.py'), '--epochs', '2', '--samples', '256'], {
      env: { ...process.env, PYTHONPATH: kerasStub, PYTHONPYCACHEPREFIX: pycacheDir() },
      encoding: 'utf8',
    });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    // One JSON object a line, with a NaN loss written as Python's json.dumps writes it (bare, which JSON.parse refuses).
    const lines = result.stdout.split('\n').filter((line) => line !== '');
    expect(lines.filter((line) => line.includes('"value": NaN'))).toEqual(['{"metric": "loss", "value": NaN, "step": 10}']);
    for (const line of lines.map((l) => l.replace(/\bNaN\b/, '0'))) expect(() => JSON.parse(line), line).not.toThrow();

    const metrics = parseOutput(result.stdout);
    expect(metrics).toHaveLength(lines.length);
    expect(metrics.every((m) => m.format === 'json')).toBe(true);
    const find = (name: string) => metrics.filter((m) => m.name === name).map(({ value, step, epoch }) => ({ value, step, epoch }));
    // 204 of 256 samples train in batches of 32: 7 steps an epoch, 14 in all, reported every 5th.
    expect(find('loss')).toEqual([
      { value: 1 / 5, step: 5, epoch: undefined },
      { value: Number.NaN, step: 10, epoch: undefined },
    ]);
    expect(find('accuracy').map((m) => m.step)).toEqual([5, 10]);
    expect(find('epoch_loss').map((m) => [m.value, m.epoch])).toEqual([
      [1, 1],
      [0.5, 2],
    ]);
    expect(find('val_loss').map((m) => [m.value, m.epoch])).toEqual([
      [1.5, 1],
      [0.75, 2],
    ]);
    expect(find('val_accuracy')).toHaveLength(2);
    expect(new Set(metrics.map((m) => m.name))).toEqual(new Set(['loss', 'accuracy', 'epoch_loss', 'epoch_accuracy', 'val_loss', 'val_accuracy']));
  });
});
