import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { SeriesPoint } from '../../src/model/point.js';
import type { Store } from '../../src/store/store.js';
import { tempStore as freshStore, t0 } from '../helpers/store.js';

export { t0 };
export const tempStore = () => freshStore('runmeter-export-');

/**
 * A run as `runmeter run` would leave it: training metrics in two contexts (NaN and ±Infinity among them, steps and
 * epochs partly absent), a GPU series with rank and device labels, a name that needs CSV quoting, params, output
 * and an artifact.
 */
export async function recordedRun(store: Store, dir: string): Promise<string> {
  const run = await store.createRun({
    name: 'mnist-cnn',
    project: 'mnist',
    command: ['python', 'train.py', '--lr', '0.01'],
    cwd: '/home/ada/mnist',
    host: 'gpu-box',
    user: 'ada',
    startTime: t0,
    version: '0.1.0',
    source: 'run',
    params: { lr: 0.01, optimizer: 'adam', layers: [32, 10] },
    tags: ['baseline'],
  });
  const points: SeriesPoint[] = [
    { series: { name: 'loss', kind: 'training', context: 'training' }, time: t0 + 1000, step: 1, epoch: 0, value: 2.5 },
    { series: { name: 'loss', kind: 'training', context: 'training' }, time: t0 + 2000, step: 2, epoch: 0, value: Number.NaN },
    { series: { name: 'loss', kind: 'training', context: 'training' }, time: t0 + 3000, step: 3, value: Number.POSITIVE_INFINITY },
    { series: { name: 'val_loss', kind: 'training', context: 'validation' }, time: t0 + 3500, epoch: 0, value: Number.NEGATIVE_INFINITY },
    { series: { name: 'gpu/0/utilization_percent', kind: 'gpu', rank: 1, node: 'n1', device: 'cuda:0' }, time: t0 + 1500, value: 97 },
    { series: { name: 'acc, top-1 "strict"', kind: 'training', context: 'evaluation' }, time: t0 + 4000, value: 0.98 },
  ];
  await store.appendPoints(run.id, points);
  await store.appendOutput(run.id, 'stdout', Buffer.from('{"metric": "loss", "value": 2.5, "step": 1}\n'), t0 + 1000);
  const artifact = path.join(dir, 'model.onnx');
  fs.writeFileSync(artifact, 'onnx bytes');
  await store.addArtifact({
    runId: run.id,
    name: 'model.onnx',
    kind: 'model',
    path: artifact,
    sourcePath: '/home/ada/mnist/model.onnx',
    sha256: 'ab'.repeat(32),
    size: 10,
    context: 'training',
    time: t0 + 5000,
    meta: { params: 1234, flops: 5678 },
  });
  await store.updateRun(run.id, { status: 'succeeded', exitCode: 0, endTime: t0 + 6000 });
  return run.id;
}

/** A writable that keeps what it is given, slowly and in small pieces, to exercise backpressure. */
export function slowSink(): { out: Writable; text(): Promise<string> } {
  const chunks: Buffer[] = [];
  const out = new Writable({
    highWaterMark: 1024,
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk);
      setImmediate(done);
    },
  });
  return {
    out,
    // Ends the stream and waits for every buffered write, then gives all that was written.
    async text() {
      out.end();
      await finished(out);
      return Buffer.concat(chunks).toString('utf8');
    },
  };
}
