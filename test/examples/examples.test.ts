import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open.js';
import type { SeriesSummary } from '../../src/store/store.js';
import { provValidator } from '../export/prov-schema.js';
import { root, runCli, tempHome } from '../helpers/cli.js';
import { python } from '../python/helpers.js';

// Each example runs under the built `./bin/runmeter run` (run `npx tsc -p tsconfig.json` first), as a user would.
const homes: string[] = [];
afterAll(() => {
  for (const home of homes) fs.rmSync(home, { recursive: true, force: true });
});

/** True when Debian's python3 (where .ci/run installs python3-torch) can import every module of one of the alternatives. */
function pythonHas(...alternatives: string[][]): boolean {
  return alternatives.some((modules) => spawnSync(python, ['-c', modules.map((m) => `import ${m}`).join('; ')], { stdio: 'ignore' }).status === 0);
}

async function runExample(command: string[], env: NodeJS.ProcessEnv = {}) {
  const home = tempHome();
  homes.push(home);
  const result = await runCli(['run', '--', ...command], { home, env });
  const store = openStore(undefined, { RUNMETER_HOME: home });
  try {
    const [run] = await store.listRuns();
    if (run === undefined) throw new Error(`no run recorded; stderr: ${result.stderr.toString()}`);
    const series = await store.listSeries(run.id);
    const artifacts = await store.listArtifacts(run.id);
    return { home, result, run, series, artifacts };
  } finally {
    await store.close();
  }
}

const named = (series: SeriesSummary[], name: string, context?: string) =>
  series.find((s) => s.name === name && (context === undefined || s.context === context));

describe('examples/tfjs-train.mjs (Node, TF.js on the CPU, the SDK)', () => {
  it('records per-batch metrics with FLOPs, validation, system usage, params and the model in the run of `runmeter run`', async () => {
    const { home, result, run, series, artifacts } = await runExample([process.execPath, 'examples/tfjs-train.mjs'], { EPOCHS: '2', SAMPLES: '256' });
    expect(result.code, result.stderr.toString()).toBe(0);
    expect(result.stdout.toString()).toContain(`recording run ${run.id} (runmeter run's)`);
    expect(run).toMatchObject({ source: 'run', status: 'succeeded', params: { epochs: 2, batch_size: 32, samples: 256 } });
    expect(run.params['model/tiny_mlp/params']).toBe(8 * 32 + 32 + 32 + 1);

    // 256 samples, 20% held out for validation: 205 training samples, 7 batches of 32 per epoch.
    const steps = 14;
    expect(named(series, 'loss', 'training')?.count).toBe(steps);
    expect(named(series, 'loss', 'validation')?.count).toBe(2);
    expect(named(series, 'accuracy', 'testing')?.count).toBe(1);
    const perBatch = named(series, 'flops/tiny_mlp/batch', 'training');
    const total = named(series, 'flops/tiny_mlp/batch_total', 'training');
    expect(perBatch).toMatchObject({ kind: 'flops', count: steps });
    expect(total?.last).toBeGreaterThan(perBatch?.max ?? 0);
    expect(named(series, 'flops/tiny_mlp/epoch_total', 'training')?.count).toBe(2);
    expect(named(series, 'epoch_end', 'training')?.count).toBe(2);
    expect(series.some((s) => s.kind === 'system' && s.context === 'training')).toBe(true);

    expect(artifacts).toHaveLength(1);
    expect(artifacts[0]).toMatchObject({ kind: 'model', name: 'tiny_mlp', context: 'training' });
    expect(fs.existsSync(path.join(artifacts[0]?.path ?? '', 'model.json'))).toBe(true);

    const exported = await runCli(['export', run.id, '--format', 'prov-json'], { home });
    expect(exported.code).toBe(0);
    const doc = JSON.parse(exported.stdout.toString());
    const validate = provValidator();
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    expect(doc.entity['run:metric/training/flops/tiny_mlp/batch']['prov:type']).toBe('provml:Metric');
    expect(doc.entity['run:model/tiny_mlp']['prov:type']).toBe('provml:Model');
  });
});

describe('Python examples', () => {
  it.skipIf(!pythonHas(['torch']))('pytorch_json_lines.py prints JSON lines that runmeter records (skipped: python3 cannot import torch)', async () => {
    const { result, series } = await runExample([python, path.join(root, 'examples', 'pytorch_json_lines.py'), '--epochs', '1', '--samples', '512']);
    expect(result.code, result.stderr.toString()).toBe(0);
    expect(named(series, 'loss', 'training')?.count).toBeGreaterThan(0);
    expect(named(series, 'val_accuracy', 'validation')?.lastEpoch).toBe(1);
  });

  it.skipIf(!pythonHas(['torch']))(
    'pytorch_client.py logs through the Python client: metrics, FLOPs, system usage, params and the model (skipped: python3 cannot import torch)',
    async () => {
      const { result, run, series, artifacts } = await runExample([
        python,
        path.join(root, 'examples', 'pytorch_client.py'),
        '--epochs',
        '2',
        '--samples',
        '256',
      ]);
      expect(result.code, result.stderr.toString()).toBe(0);
      expect(named(series, 'loss', 'training')?.count).toBe(8); // 256 samples / 64 per batch, 2 epochs
      expect(named(series, 'val_accuracy', 'validation')?.count).toBe(2);
      expect(named(series, 'flops/cnn/batch', 'training')?.count).toBe(8);
      expect(named(series, 'flops/cnn/batch', 'training')?.min).toBeGreaterThan(0);
      expect(named(series, 'system/cpu_percent', 'training')?.count).toBe(2);
      expect(run.params).toMatchObject({ lr: 0.01, batch_size: 64, epochs: 2, 'model/cnn/parameters': 1282 });
      expect(artifacts.map((a) => [a.name, a.kind])).toEqual([['cnn', 'model']]);
    },
  );

  it.skipIf(!pythonHas(['keras'], ['tensorflow']))(
    'keras_callback.py reports batch and epoch metrics (skipped: python3 cannot import keras or tensorflow)',
    async () => {
      const { result, series } = await runExample([python, path.join(root, 'examples', 'keras_callback.py'), '--epochs', '1', '--samples', '256']);
      expect(result.code, result.stderr.toString()).toBe(0);
      expect(named(series, 'loss')?.count).toBeGreaterThan(0);
      expect(named(series, 'val_loss', 'validation')?.count).toBe(1);
    },
  );

  it.skipIf(!pythonHas(['torch', 'lightning'], ['torch', 'pytorch_lightning']))(
    'lightning_example.py reports logged metrics through its callback (skipped: python3 cannot import torch and lightning)',
    async () => {
      const { result, series } = await runExample([python, path.join(root, 'examples', 'lightning_example.py'), '--epochs', '1', '--samples', '256']);
      expect(result.code, result.stderr.toString()).toBe(0);
      expect(named(series, 'loss', 'training')?.count).toBeGreaterThan(0);
      expect(named(series, 'val_loss', 'validation')?.count).toBeGreaterThan(0);
    },
  );

  it.skipIf(!pythonHas(['torch', 'transformers', 'accelerate']))(
    'huggingface_trainer.py is recorded from the Trainer’s own log lines (skipped: python3 cannot import torch, transformers and accelerate)',
    async () => {
      const { result, series } = await runExample([python, path.join(root, 'examples', 'huggingface_trainer.py'), '--epochs', '1', '--samples', '64']);
      expect(result.code, result.stderr.toString()).toBe(0);
      expect(named(series, 'loss')?.count).toBeGreaterThan(0);
      expect(series.some((s) => s.name.startsWith('eval_') || s.context === 'evaluation')).toBe(true);
    },
  );
});
