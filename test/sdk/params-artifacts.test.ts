import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Context, type Run, startRun, UsageError } from '../../src/sdk/index.js';
import type { Store } from '../../src/store/store.js';
import { reopen, tempStoreDir } from './helpers.js';

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0)) await step();
});

async function fixture(): Promise<{ run: Run; store: Store; dir: string }> {
  const dir = tempStoreDir();
  const run = await startRun({ name: 'things', store: dir, env: {} });
  const store = reopen(dir);
  cleanup.push(async () => {
    await run.end();
    await store.close();
  });
  return { run, store, dir };
}

const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');

describe('logParam and logParams', () => {
  it('merge params into the run, as JSON, with non-finite numbers as strings', async () => {
    const { run, store } = await fixture();
    await run.logParam('lr', 0.001);
    await run.logParams({ optimizer: 'adam', layers: [64, 32], clip: Number.POSITIVE_INFINITY, started: new Date(0), note: null });
    await run.logParam('lr', 0.002);
    expect((await store.getRun(run.id))?.params).toEqual({
      lr: 0.002,
      optimizer: 'adam',
      layers: [64, 32],
      clip: 'Infinity',
      started: '1970-01-01T00:00:00.000Z',
      note: null,
    });
  });

  it('reject what JSON cannot hold, naming the param', async () => {
    const { run, store } = await fixture();
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => run.logParams({ ok: 1, loop: cyclic })).toThrow(/param "loop" cannot be stored as JSON/);
    expect(() => run.logParam('fn', () => 1)).toThrow(/expected param "fn" to be a number, string, boolean, null, array or object, got a function/);
    expect(() => run.logParam('', 1)).toThrow(/logParam: expected the param name to be a non-empty string/);
    expect((await store.getRun(run.id))?.params).toEqual({});
  });
});

describe('logArtifact', () => {
  it('copies a file into the store with its sha256, size and context', async () => {
    const { run, store } = await fixture();
    const source = path.join(tempStoreDir(), 'confusion.csv');
    fs.writeFileSync(source, 'a,b\n1,2\n');
    const artifact = await run.logArtifact(source, { context: Context.EVALUATION });
    expect(artifact).toMatchObject({
      name: 'confusion.csv',
      kind: 'artifact',
      sourcePath: source,
      size: 8,
      sha256: sha256('a,b\n1,2\n'),
      context: 'evaluation',
    });
    expect(artifact.path.startsWith(store.artifactDir(run.id) ?? '?')).toBe(true);
    expect(fs.readFileSync(artifact.path, 'utf8')).toBe('a,b\n1,2\n');
    expect(await store.listArtifacts(run.id)).toEqual([artifact]);
  });

  it('keeps both copies when two artifacts have the same name', async () => {
    const { run } = await fixture();
    const source = path.join(tempStoreDir(), 'weights.bin');
    fs.writeFileSync(source, 'one');
    const first = await run.logArtifact(source);
    fs.writeFileSync(source, 'two');
    const second = await run.logArtifact(source);
    expect(path.basename(first.path)).toBe('weights.bin');
    expect(path.basename(second.path)).toBe('weights-2.bin');
    expect(fs.readFileSync(first.path, 'utf8')).toBe('one');
    expect(second.sha256).toBe(sha256('two'));
  });

  it('copies a folder, hashing its files in a stable order', async () => {
    const { run } = await fixture();
    const folder = path.join(tempStoreDir(), 'checkpoint');
    fs.mkdirSync(path.join(folder, 'shards'), { recursive: true });
    fs.writeFileSync(path.join(folder, 'meta.json'), '{}');
    fs.writeFileSync(path.join(folder, 'shards', '0.bin'), 'xyz');
    const artifact = await run.logArtifact(folder, { name: 'ckpt' });
    expect(artifact.size).toBe(5);
    expect(fs.readFileSync(path.join(artifact.path, 'shards', '0.bin'), 'utf8')).toBe('xyz');
    expect(artifact.sha256).toBe(createHash('sha256').update('meta.json\0{}').update('shards/0.bin\0xyz').digest('hex'));
  });

  it('says which path is missing', async () => {
    const { run } = await fixture();
    await expect(run.logArtifact('/nonexistent/model.onnx')).rejects.toThrow('logArtifact: no file or folder at /nonexistent/model.onnx');
  });

  it('keeps the source file extension on the stored copy when given a name without it', async () => {
    const { run } = await fixture();
    const source = path.join(tempStoreDir(), 'confusion.png');
    fs.writeFileSync(source, 'png');
    const named = await run.logArtifact(source, { name: 'confusion' });
    expect(named.name).toBe('confusion');
    expect(path.basename(named.path)).toBe('confusion.png');
    const already = await run.logArtifact(source, { name: 'matrix.PNG' });
    expect(path.basename(already.path)).toBe('matrix.PNG');
  });
});

describe('bad arguments to logArtifact and logModel', () => {
  it.each([
    [
      'null options',
      'logArtifact',
      () => ['/etc/hostname', null],
      /logArtifact: expected the options to be an object \(\{ context, name \}\) or left out, got null/,
    ],
    ['an empty path', 'logArtifact', () => [''], /logArtifact: expected the path to be a non-empty string, got ""/],
    ['an empty name', 'logArtifact', () => ['/etc/hostname', { name: '' }], /logArtifact: expected the name to be a non-empty string/],
    [
      'null options',
      'logModel',
      () => ['/etc/hostname', null],
      /logModel: expected the options to be an object \(\{ context, name, batch \}\) or left out, got null/,
    ],
    ['a batch of 0', 'logModel', () => ['/etc/hostname', { batch: 0 }], /logModel: expected batch to be a positive integer, got number 0/],
    ['a batch of 1.5', 'logModel', () => ['/etc/hostname', { batch: 1.5 }], /logModel: expected batch to be a positive integer, got number 1.5/],
    ['a number as the model', 'logModel', () => [42], /logModel: expected a model file path or a TF.js model \(with save\(\)\), got number 42/],
    ['null as the model', 'logModel', () => [null], /logModel: expected a model file path or a TF.js model \(with save\(\)\), got null/],
    ['an empty model path', 'logModel', () => [''], /logModel: expected the model path to be a non-empty string, got ""/],
  ])('rejects %s to %s at the call site, recording nothing', async (_what, call, args, message) => {
    const { run, store } = await fixture();
    const invoke = () => (run[call as 'logArtifact'] as (...a: unknown[]) => unknown).apply(run, args());
    expect(invoke).toThrow(UsageError);
    expect(invoke).toThrow(message);
    await run.flush();
    expect(await store.listArtifacts(run.id)).toEqual([]);
  });
});

/** A stand-in for a TF.js model: it hands its artifacts to a save handler, as tf.LayersModel.save does. */
const savableModel = {
  name: 'tiny_dense',
  countParams: () => 3,
  async save(handler: { save(artifacts: unknown): Promise<unknown> }) {
    return handler.save({
      modelTopology: { class_name: 'Sequential' },
      format: 'layers-model',
      generatedBy: 'test',
      weightSpecs: [{ name: 'dense/kernel', shape: [3], dtype: 'float32' }],
      weightData: new Float32Array([1, 2, 3]).buffer,
    });
  },
};

describe('logModel', () => {
  it('saves an in-memory TF.js model as model.json and weights.bin, with its params count', async () => {
    const { run, store } = await fixture();
    const artifact = await run.logModel(savableModel, { context: Context.TRAINING });
    expect(artifact).toMatchObject({ name: 'tiny_dense', kind: 'model', context: 'training' });
    expect(artifact.meta).toMatchObject({ params: 3, batch: 1 });
    const manifest = JSON.parse(fs.readFileSync(path.join(artifact.path, 'model.json'), 'utf8'));
    expect(manifest.weightsManifest).toEqual([{ paths: ['weights.bin'], weights: [{ name: 'dense/kernel', shape: [3], dtype: 'float32' }] }]);
    const weights = fs.readFileSync(path.join(artifact.path, 'weights.bin'));
    expect([0, 4, 8].map((offset) => weights.readFloatLE(offset))).toEqual([1, 2, 3]);
    expect((await store.getRun(run.id))?.params).toMatchObject({ 'model/tiny_dense/params': 3, 'model/tiny_dense/size_bytes': artifact.size });
  });

  it('names logModel, not logArtifact, when the model file is missing', async () => {
    const { run, store } = await fixture();
    await expect(run.logModel('/missing.onnx')).rejects.toThrow(new UsageError('logModel: no file or folder at /missing.onnx'));
    expect(await store.listArtifacts(run.id)).toEqual([]);
  });

  it('stores a model file named by the caller with its own extension', async () => {
    const { run, store } = await fixture();
    const source = path.join(tempStoreDir(), 'm.pt');
    fs.writeFileSync(source, 'not a graph');
    const artifact = await run.logModel(source, { name: 'pt' });
    expect(artifact.name).toBe('pt');
    expect(path.basename(artifact.path)).toBe('pt.pt');
    expect(fs.readFileSync(artifact.path, 'utf8')).toBe('not a graph');
    expect((await store.getRun(run.id))?.params).toHaveProperty('model/pt/size_bytes', 11);
    const second = await run.logModel(source, { name: 'pt' });
    expect(path.basename(second.path)).toBe('pt-2.pt');
  });
});

describe('logSystemMetrics', () => {
  it('records the means since the previous call as system and job series in the context', async () => {
    const { run, store } = await fixture();
    await run.logSystemMetrics(Context.TRAINING, 1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await run.logSystemMetrics(Context.TRAINING, 2);
    await run.flush();
    const series = await store.listSeries(run.id);
    const names = series.map((s) => s.name);
    expect(series.every((s) => s.context === 'training' && ['system', 'job', 'gpu'].includes(s.kind))).toBe(true);
    expect(names.some((n) => n.startsWith('system/'))).toBe(true);
    const rss = series.find((s) => s.name === 'job/memory_rss_bytes');
    expect(rss?.kind).toBe('job');
    expect(rss?.last).toBeGreaterThan(10_000_000);
    expect(rss?.lastStep).toBe(2);
  });
});
