import { afterEach, describe, expect, it } from 'vitest';
import type { NewRun } from '../../src/model/run.js';
import type { Store } from '../../src/store/store.js';
import { tempStore } from '../helpers/store.js';

let store: Store;
afterEach(async () => store?.close());

const run = (overrides: Partial<NewRun>): NewRun => ({
  name: 'train.py',
  command: ['python', 'train.py'],
  cwd: '/tmp',
  host: 'box',
  user: 'ada',
  startTime: 1_000,
  version: '0.0.0',
  source: 'run',
  ...overrides,
});

describe('listing runs in bulk', () => {
  it('filters runs by project, or by having none', async () => {
    ({ store } = tempStore());
    await store.createRun(run({ id: 'a', project: 'mnist', startTime: 1 }));
    await store.createRun(run({ id: 'b', project: 'mnist', startTime: 2 }));
    await store.createRun(run({ id: 'c', project: 'imagenet', startTime: 3 }));
    await store.createRun(run({ id: 'd', startTime: 4 }));
    const ids = async (project: string | null | undefined) => (await store.listRuns(project === undefined ? {} : { project })).map((r) => r.id);
    expect(await ids('mnist')).toEqual(['b', 'a']);
    expect(await ids(null)).toEqual(['d']);
    expect(await ids(undefined)).toEqual(['d', 'c', 'b', 'a']);
    expect(await store.listProjects()).toEqual([
      { runs: 1, lastStart: 4 },
      { project: 'imagenet', runs: 1, lastStart: 3 },
      { project: 'mnist', runs: 2, lastStart: 2 },
    ]);
  });

  it('reads the series of 1,200 runs in a few queries, in the order asked, of the kinds asked', async () => {
    ({ store } = tempStore());
    const ids: string[] = [];
    for (let i = 0; i < 1200; i++) {
      const id = `r${String(i).padStart(4, '0')}`;
      ids.push(id);
      await store.createRun(run({ id, startTime: i }));
      await store.appendPoints(id, [
        { series: { name: 'loss', kind: 'training' }, time: i, step: 0, value: i },
        { series: { name: 'system/cpu_percent', kind: 'system' }, time: i, value: 50 },
      ]);
    }
    const wanted = [...ids].reverse();
    const training = await store.listSeriesOfRuns(wanted, ['training']);
    expect(training).toHaveLength(1200);
    expect(training.map((s) => s.runId)).toEqual(wanted);
    expect(training[0]).toMatchObject({ name: 'loss', last: 1199, count: 1 });
    expect(await store.listSeriesOfRuns(['r0001', 'nope'])).toHaveLength(2);
    expect(await store.listSeriesOfRuns([])).toEqual([]);
  });

  it('clears a note or project set to the empty string', async () => {
    ({ store } = tempStore());
    await store.createRun(run({ id: 'a', project: 'p' }));
    await store.updateRun('a', { note: 'first try' });
    expect((await store.getRun('a'))?.note).toBe('first try');
    await store.updateRun('a', { note: '', project: '' });
    const after = await store.getRun('a');
    expect(after?.note).toBeUndefined();
    expect(after?.project).toBeUndefined();
  });
});
