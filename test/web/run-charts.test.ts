import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { SeriesKey } from '../../src/model/series.js';
import { placeSeries } from '../../src/server/charts.js';
import type { SeriesView } from '../../web/src/api.js';

// theme.ts watches the OS colour scheme when loaded; in Node there is no window to watch.
let runChartSpecs: typeof import('../../web/src/pages/run-charts.js').runChartSpecs;
beforeAll(async () => {
  vi.stubGlobal('window', { matchMedia: () => ({ addEventListener() {} }) });
  ({ runChartSpecs } = await import('../../web/src/pages/run-charts.js'));
});

let nextId = 1;
function series(key: SeriesKey): SeriesView {
  return { id: nextId++, ...key, count: 1, min: 1, max: 1, last: 1, firstTime: 0, lastTime: 0, chart: placeSeries(key) } as SeriesView;
}

describe('run page charts', () => {
  it("draws the agent's and logSystemMetrics' CPU on one chart as four lines, each max dashed in its mean's colour", () => {
    const specs = runChartSpecs(
      [
        series({ name: 'system/cpu_percent', kind: 'system' }),
        series({ name: 'system/cpu_percent_max', kind: 'system' }),
        series({ name: 'system/cpu_percent', kind: 'system', context: 'training' }),
        series({ name: 'system/cpu_percent_max', kind: 'system', context: 'training' }),
      ],
      'system',
      'r1',
      0,
    );
    expect(specs).toHaveLength(1);
    const lines = specs[0]?.lines ?? [];
    const byLabel = new Map(lines.map((l) => [l.label, l]));
    expect([...byLabel.keys()].sort()).toEqual(['machine', 'machine max', 'machine max · training', 'machine · training']);
    expect(byLabel.get('machine max')).toMatchObject({ dashed: true, color: byLabel.get('machine')?.color });
    expect(byLabel.get('machine max · training')).toMatchObject({ dashed: true, color: byLabel.get('machine · training')?.color });
    expect(byLabel.get('machine')?.dashed).toBe(false);
    expect(byLabel.get('machine · training')?.dashed).toBe(false);
    expect(byLabel.get('machine')?.color).not.toBe(byLabel.get('machine · training')?.color);
  });
});
