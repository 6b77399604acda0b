import { api, type CompareResponse, type LiveEvent } from '../api.js';
import { errorState } from '../components/error-state.js';
import { statusBadge, updateStatusBadge } from '../components/status.js';
import { h, replaceChildren, setText } from '../dom.js';
import { connectLive } from '../live.js';
import type { Page } from '../page.js';
import { href } from '../router.js';
import { paletteColor } from '../theme.js';
import { CompareCharts, type ComparedRun } from './compare/compare-charts.js';
import { CompareScatter } from './compare/compare-scatter.js';
import { type CompareView, readCompareView, writeCompareView } from './compare/compare-view.js';
import { metricsTable, paramsTable } from './compare/tables.js';

/** The runs side by side, each named by its label, with a link to it; refs that name no run marked as not found. */
function runLegend(runs: ReadonlyArray<ComparedRun & { badge: HTMLElement }>, missing: readonly string[]): HTMLElement {
  return h(
    'div',
    { class: 'compare-legend' },
    ...runs.map((run) => {
      const swatch = h('span', { class: 'legend-swatch' });
      swatch.style.color = run.color;
      return h(
        'a',
        { class: 'compare-run', href: href({ page: 'run', runId: run.id, tab: 'charts' }), title: `${run.name} · ${run.id}`, 'data-run': run.id },
        swatch,
        h('span', { class: 'compare-run-name' }, run.label),
        run.label === run.name ? null : h('span', { class: 'compare-run-sub' }, run.name),
        h('span', { class: 'run-id' }, run.id),
        run.badge,
      );
    }),
    // A ref that names no run stays in view, marked, so the user sees what is left out.
    ...missing.map((ref) =>
      h(
        'span',
        { class: 'compare-run missing', 'data-missing': ref, title: 'No run has this id, id prefix or name (or several do)' },
        h('span', { class: 'compare-run-name' }, ref),
        h('span', { class: 'missing-badge' }, 'not found'),
      ),
    ),
  );
}

function breadcrumb(): HTMLElement {
  return h('nav', { class: 'breadcrumb' }, h('a', { href: '#/' }, 'Runs'), h('span', { class: 'breadcrumb-sep' }, '/'), h('span', {}, 'Compare'));
}

/**
 * Compare: the runs' params diff, their final metrics, a chart per metric with a line per run (or a mean line and a
 * min–max band per group), and a scatter of a param against a metric. Refs that name no run are shown as missing;
 * the others still compare. The page's settings live in the URL. Live while any of the runs goes on.
 */
export function comparePage(runRefs: string[]): Page {
  const element = h('div', { class: 'page compare-page' }, h('div', { class: 'page-loading' }, 'Loading runs…'));
  const cleanups: Array<() => void> = [];
  let destroyed = false;
  let apply: ((view: CompareView) => void) | undefined;
  let rereadCharts: () => void = () => {};

  async function init(): Promise<void> {
    if (runRefs.length === 0) throw new Error('no runs were selected: pick runs on the Runs page, then Compare');
    let comparison: CompareResponse = await api.compare(runRefs);
    const lists = await Promise.all(comparison.runs.map((run) => api.series(run.id)));
    if (destroyed) return;
    const found = comparison.runs.length;
    document.title = `Compare ${found} ${found === 1 ? 'run' : 'runs'} · runmeter`;
    const runs = comparison.runs.map((run, i) => ({
      id: run.id,
      name: run.name,
      label: run.label,
      startTime: run.startTime,
      series: new Map((lists[i]?.series ?? []).map((s) => [s.id, s])),
      color: paletteColor(i),
      badge: statusBadge(run.status as Parameters<typeof statusBadge>[0]),
    }));
    const colors = runs.map((run) => run.color);
    const legend = runLegend(runs, comparison.missing);
    if (found === 0) {
      replaceChildren(
        element,
        breadcrumb(),
        h('div', { class: 'page-header' }, h('h1', {}, 'Compare')),
        legend,
        h('div', { class: 'empty-state' }, h('h2', {}, 'None of these runs exists'), h('p', {}, 'Pick runs on the Runs page, then Compare.')),
      );
      return;
    }
    let view = readCompareView();
    /** A choice on the page: a history entry (Back undoes it), then shown. */
    const change = (next: CompareView) => {
      writeCompareView(next);
      applyView(next);
    };

    const paramsBody = h('div', {});
    const paramsCount = h('span', { class: 'section-count' });
    const paramsToggle = h('button', {
      type: 'button',
      class: 'button button-quiet params-toggle',
      onclick: () => change({ ...view, allParams: !view.allParams }),
    });
    const metricsBody = h('div', {});
    const charts = new CompareCharts(runs, (group) => change({ ...view, group }));
    const scatter = new CompareScatter((choice) => change({ ...view, ...choice }));
    rereadCharts = () => charts.reread();
    cleanups.push(
      () => charts.destroy(),
      () => scatter.destroy(),
    );

    function renderParams(): void {
      const { differing, same } = comparison.params;
      const total = differing.length + same.length;
      setText(paramsCount, total === 0 ? '' : `${differing.length} of ${total} differ`);
      paramsToggle.hidden = same.length === 0;
      setText(paramsToggle, view.allParams ? 'Only the params that differ' : `Show all ${total} params`);
      paramsToggle.setAttribute('aria-pressed', String(view.allParams));
      replaceChildren(paramsBody, paramsTable(comparison, colors, view.allParams));
    }

    function applyView(next: CompareView): void {
      view = next;
      renderParams();
      charts.render(comparison, view.group);
      scatter.render(comparison, colors, view);
    }
    apply = applyView;

    const byId = new Map(runs.map((run) => [run.id, run]));
    let refreshTimer: number | undefined;
    /** Reads the comparison again (final values move while runs go on), at most every two seconds. */
    const refreshSoon = () => {
      if (refreshTimer !== undefined) return;
      refreshTimer = window.setTimeout(() => {
        refreshTimer = undefined;
        void api
          .compare(runRefs)
          .then((fresh) => {
            // The same runs only: a ref that names a run created since shows when the page is opened again.
            if (destroyed || fresh.runs.map((r) => r.id).join(',') !== comparison.runs.map((r) => r.id).join(',')) return;
            comparison = fresh;
            replaceChildren(metricsBody, metricsTable(comparison, colors));
            renderParams();
            charts.render(comparison, view.group, true);
            scatter.render(comparison, colors, view);
          })
          .catch(() => {});
      }, 2000);
    };
    cleanups.push(() => clearTimeout(refreshTimer));
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
        charts.grid.reloadAll();
      },
    });
    function handleEvent(event: LiveEvent): void {
      if (event.type === 'run') {
        const run = byId.get(event.run.id);
        if (!run) return;
        updateStatusBadge(run.badge, event.run.status);
        refreshSoon();
      } else if (event.type === 'series') {
        const run = byId.get(event.runId);
        if (!run) return;
        const added = event.series.some((s) => !run.series.has(s.id));
        for (const s of event.series) {
          run.series.set(s.id, s);
          charts.grid.onSeriesCount(event.runId, s.id, s.count);
        }
        if (added) charts.render(comparison, view.group);
      } else if (event.type === 'points') charts.grid.onPoints(event.runId, event.seriesId, event);
    }
    cleanups.push(() => live.close());

    const missing = comparison.missing.length === 0 ? '' : `· ${comparison.missing.length} not found`;
    replaceChildren(
      element,
      breadcrumb(),
      h('div', { class: 'page-header' }, h('h1', {}, `Compare ${found} ${found === 1 ? 'run' : 'runs'}`), h('span', { class: 'page-count' }, missing)),
      legend,
      h(
        'div',
        { class: 'compare-tables' },
        h(
          'section',
          { class: 'compare-section params-section' },
          h('header', { class: 'section-head' }, h('h2', {}, 'Params'), paramsCount, h('div', { class: 'toolbar-spacer' }), paramsToggle),
          paramsBody,
        ),
        h(
          'section',
          { class: 'compare-section metrics-section' },
          h(
            'header',
            { class: 'section-head' },
            h('h2', {}, 'Final metrics'),
            h('span', { class: 'section-count' }, 'the last value, the best reached below it where that differs; ★ marks the best run'),
          ),
          metricsBody,
        ),
      ),
      charts.element,
      scatter.element,
    );
    replaceChildren(metricsBody, metricsTable(comparison, colors));
    applyView(view);
  }

  init().catch((error: Error) => {
    if (destroyed) return;
    replaceChildren(element, errorState('Could not compare these runs', error.message));
  });

  return {
    element,
    update(route) {
      // Back and Forward between this page's own settings: the same runs, another view.
      if (route.page !== 'compare' || route.runIds.join(',') !== runRefs.join(',') || apply === undefined) return false;
      apply(readCompareView());
      rereadCharts();
      return true;
    },
    destroy() {
      destroyed = true;
      for (const cleanup of cleanups) cleanup();
    },
  };
}
