import type { SeriesPoint } from '../../src/model/point.js';
import type { NewRun, Run } from '../../src/model/run.js';
import { createApp } from '../../src/server/index.js';
import type { AppOptions } from '../../src/server/types.js';
import type { Store } from '../../src/store/store.js';
import { tempStore as freshStore, t0 } from '../helpers/store.js';

export { t0 };
export const tempStore = () => freshStore('runmeter-server-');

/** Creates a run as `runmeter run` would, with overrides. */
export function createRun(store: Store, overrides: Partial<NewRun> = {}): Promise<Run> {
  return store.createRun({
    name: 'mnist',
    command: ['python', 'train.py', '--lr', '0.1'],
    cwd: '/home/ada/mnist',
    host: 'gpu-box',
    user: 'ada',
    startTime: t0,
    version: '0.1.0',
    source: 'run',
    ...overrides,
  });
}

/** `n` points of a training metric, one per step, a second apart, with `value(i)`. */
export function metricPoints(name: string, n: number, value: (i: number) => number, options: { from?: number; context?: string } = {}): SeriesPoint[] {
  const from = options.from ?? 0;
  return Array.from({ length: n }, (_, k) => {
    const i = from + k;
    const series = options.context === undefined ? { name, kind: 'training' as const } : { name, kind: 'training' as const, context: options.context };
    return { series, time: t0 + i * 1000, step: i, value: value(i) };
  });
}

/** The app over a store, with a request helper that parses JSON. */
export function testApp(options: AppOptions) {
  const app = createApp(options);
  return {
    app,
    async json<T = Record<string, unknown>>(url: string): Promise<{ status: number; body: T }> {
      const response = await app.request(url);
      return { status: response.status, body: (await response.json()) as T };
    },
  };
}
