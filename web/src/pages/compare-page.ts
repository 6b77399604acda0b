import { api, type LiveEvent, type RunResponse, type SeriesView } from '../api.js';
import { ChartGrid, type ChartSpec } from '../charts/chart-grid.js';
import { chartPrefs, chartToolbar } from '../components/chart-toolbar.js';
import { errorState } from '../components/error-state.js';
import { statusBadge, updateStatusBadge } from '../components/status.js';
import { h, replaceChildren } from '../dom.js';
import { connectLive } from '../live.js';
import type { Page } from '../page.js';
import { href } from '../router.js';
import { paletteColor } from '../theme.js';

interface ComparedRun {
  detail: RunResponse;
  series: Map<number, SeriesView>;
  color: string;
  badge: HTMLElement;
}

/** One chart per training metric name, with one line per run (a run's own colour on every chart). */
function compareSpecs(runs: ComparedRun[]): ChartSpec[] {
  const byName = new Map<string, ChartSpec>();
  for (const run of runs) {
    const { id, name, startTime } = run.detail.run;
    for (const s of run.series.values()) {
      if (s.kind !== 'training' && s.kind !== 'flops') continue;
      const key = `${s.kind}:${s.name}`;
      const spec = byName.get(key) ?? { key, title: s.kind === 'training' ? s.name : s.chart.title, unit: s.chart.unit, lines: [] };
      byName.set(key, spec);
      const label = s.rank === undefined ? name : `${name} (rank ${s.rank})`;
      spec.lines.push({
        id: `${id}:${s.id}`,
        runId: id,
        seriesId: s.id,
        label,
        color: run.color,
        startTime,
        hasStep: s.firstStep !== undefined,
        hasEpoch: s.firstEpoch !== undefined,
      });
    }
  }
  return [...byName.values()].sort((a, b) => (a.title === 'loss' ? -1 : b.title === 'loss' ? 1 : a.title.localeCompare(b.title)));
}

/** Compare: the selected runs' metrics, one metric per chart, every run on it. Live while any of them runs. */
export function comparePage(runRefs: string[]): Page {
  const element = h('div', { class: 'page compare-page' }, h('div', { class: 'page-loading' }, 'Loading runs…'));
  const cleanups: Array<() => void> = [];
  let destroyed = false;

  async function init(): Promise<void> {
    if (runRefs.length === 0) throw new Error('no runs were selected: pick runs on the Runs page, then Compare');
    const loaded = await Promise.all(runRefs.map(async (ref) => [await api.run(ref), await api.series(ref)] as const));
    if (destroyed) return;
    document.title = `Compare ${loaded.length} runs · runmeter`;
    const runs: ComparedRun[] = loaded.map(([detail, list], i) => ({
      detail,
      series: new Map(list.series.map((s) => [s.id, s])),
      color: paletteColor(i),
      badge: statusBadge(detail.run.status),
    }));
    const prefs = chartPrefs('compare', ['time', 'relative', 'step', 'epoch'], 'step');
    const grid = new ChartGrid({ syncKey: 'compare', ...prefs, onZoomChange: (zoomed) => toolbar.setZoomed(zoomed) });
    const toolbar = chartToolbar({ page: 'compare', modes: ['time', 'relative', 'step', 'epoch'], ...prefs, grids: () => [grid] });
    cleanups.push(() => grid.destroy());
    const legend = h(
      'div',
      { class: 'compare-legend' },
      ...runs.map((run) => {
        const swatch = h('span', { class: 'legend-swatch' });
        swatch.style.color = run.color;
        return h(
          'a',
          { class: 'compare-run', href: href({ page: 'run', runId: run.detail.run.id, tab: 'charts' }) },
          swatch,
          h('span', { class: 'compare-run-name' }, run.detail.run.name),
          h('span', { class: 'run-id' }, run.detail.run.id),
          run.badge,
        );
      }),
    );
    const empty = h(
      'div',
      { class: 'empty-state' },
      h('h2', {}, 'No training metrics to compare'),
      h('p', {}, 'None of these runs has recorded a training metric yet.'),
    );
    const refresh = () => {
      const specs = compareSpecs(runs);
      empty.hidden = specs.length > 0;
      grid.setCharts(specs);
    };
    const byId = new Map(runs.map((run) => [run.detail.run.id, run]));
    /** Reads every run's series again: what changed before the live stream opened came as no event. */
    const catchUp = () => {
      for (const id of byId.keys()) {
        void api
          .series(id)
          .then((fresh) => handleEvent({ type: 'series', runId: id, series: fresh.series }))
          .catch(() => {});
      }
    };
    const live = connectLive([...byId.keys()], {
      event: (event) => handleEvent(event),
      connected: catchUp,
      resync: () => {
        catchUp();
        grid.reloadAll();
      },
    });
    function handleEvent(event: LiveEvent): void {
      if (event.type === 'run') {
        const run = byId.get(event.run.id);
        if (run) updateStatusBadge(run.badge, event.run.status);
      } else if (event.type === 'series') {
        const run = byId.get(event.runId);
        if (!run) return;
        const added = event.series.some((s) => !run.series.has(s.id));
        for (const s of event.series) {
          run.series.set(s.id, s);
          grid.onSeriesCount(event.runId, s.id, s.count);
        }
        if (added) refresh();
      } else if (event.type === 'points') grid.onPoints(event.runId, event.seriesId, event);
    }
    cleanups.push(() => live.close());
    replaceChildren(
      element,
      h('nav', { class: 'breadcrumb' }, h('a', { href: '#/' }, 'Runs'), h('span', { class: 'breadcrumb-sep' }, '/'), h('span', {}, 'Compare')),
      h('div', { class: 'page-header' }, h('h1', {}, `Compare ${runs.length} ${runs.length === 1 ? 'run' : 'runs'}`)),
      legend,
      toolbar,
      empty,
      grid.element,
    );
    refresh();
  }

  init().catch((error: Error) => {
    if (destroyed) return;
    replaceChildren(element, errorState('Could not compare these runs', error.message));
  });

  return {
    element,
    destroy() {
      destroyed = true;
      for (const cleanup of cleanups) cleanup();
    },
  };
}
