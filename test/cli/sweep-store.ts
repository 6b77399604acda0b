import { openStore } from '../../src/store/open.js';
import { t0 } from '../helpers/store.js';

/**
 * Records the sweep in RUNMETER_HOME's store, as `runmeter run --param lr=... --tag sweep` leaves it:
 * four runs of train_mlp.py (one failed), loss and val_loss per step, and an XGBoost run in another project.
 */
export async function recordSweep(home: string): Promise<string[]> {
  const store = openStore(undefined, { RUNMETER_HOME: home });
  const ids: string[] = [];
  const lrs = [0.1, 0.01, 0.001, 0.0001];
  for (const [i, lr] of lrs.entries()) {
    const run = await store.createRun({
      name: 'train_mlp.py',
      command: ['/usr/bin/python3', 'train_mlp.py', '--lr', String(lr)],
      cwd: '/home/ada',
      host: 'gpu-box',
      user: 'ada',
      startTime: t0 + i * 60_000,
      endTime: t0 + i * 60_000 + 30_000,
      version: '0.1.0',
      source: 'run',
      status: i === 2 ? 'failed' : 'succeeded',
      params: { lr, bs: i === 3 ? 128 : 64, optimizer: 'sgd' },
      tags: i === 3 ? ['sweep', 'baseline'] : ['sweep'],
      project: 'mnist',
    });
    const points = [];
    for (let step = 0; step < 10; step++) {
      points.push({
        series: { name: 'loss', kind: 'training' as const },
        time: t0 + step,
        step,
        value: i === 2 && step === 9 ? Number.NaN : (1 + i) / (step + 1),
      });
      points.push({ series: { name: 'val_loss', kind: 'training' as const }, time: t0 + step, step, value: (1.5 + i) / (step + 1) });
    }
    await store.appendPoints(run.id, points);
    ids.push(run.id);
  }
  const xgb = await store.createRun({
    name: 'xgb',
    command: ['python', 'xgb.py'],
    cwd: '/home/ada',
    host: 'cpu-box',
    user: 'ada',
    startTime: t0 + 600_000,
    endTime: t0 + 601_000,
    version: '0.1.0',
    source: 'run',
    status: 'succeeded',
    params: { max_depth: 6 },
    project: 'tabular',
  });
  await store.appendPoints(xgb.id, [{ series: { name: 'auc', kind: 'training' }, time: t0, value: 0.91 }]);
  ids.push(xgb.id);
  await store.close();
  return ids;
}
