import { api, type LiveEvent, type SeriesView } from '../api.js';
import { ChartGrid, type ChartSpec } from '../charts/chart-grid.js';
import { chartPrefs, chartToolbar } from '../components/chart-toolbar.js';
import { segmented } from '../components/controls.js';
import { errorState } from '../components/error-state.js';
import { statusBadge, updateStatusBadge } from '../components/status.js';
import { h, replaceChildren, setText } from '../dom.js';
import { connectLive } from '../live.js';
import type { Page } from '../page.js';
import { href } from '../router.js';
import { onThemeChange, paletteColor } from '../theme.js';
import { type CompareView, readCompareView, writeCompareView } from './compare/compare-view.js';
import { GroupChart } from './compare/group-chart.js';
import { groupChoices, groupRuns } from './compare/groups.js';
import { type ScatterPoint, scatterFigure } from './compare/scatter.js';
import { metricsTable, paramsTable } from './compare/tables.js';

interface ComparedRun {
  id: string;
  name: string;
  label: string;
  startTime: number;
  series: Map<number, SeriesView>;
  color: string;
  badge: HTMLElement;
}

/** One chart per training metric name, with one line per run named by what sets it apart (`lr=0.1, bs=64`). */
function compareSpecs(runs: ComparedRun[]): ChartSpec[] {
  const byName = new Map<string, ChartSpec>();
  for (const run of runs) {
    for (const s of run.series.values()) {
      if (s.kind !== 'training' && s.kind !== 'flops') continue;
      const key = `${s.kind}:${s.name}`;
      const spec = byName.get(key) ?? { key, title: s.kind === 'training' ? s.name : s.chart.title, unit: s.chart.unit, lines: [] };
      byName.set(key, spec);
      spec.lines.push({
        id: `${run.id}:${s.id}`,
        runId: run.id,
        seriesId: s.id,
        label: s.rank === undefined ? run.label : `${run.label} (rank ${s.rank})`,
        color: run.color,
        startTime: run.startTime,
        hasStep: s.firstStep !== undefined,
        hasEpoch: s.firstEpoch !== undefined,
      });
    }
  }
  return [...byName.values()].sort((a, b) => (a.title === 'loss' ? -1 : b.title === 'loss' ? 1 : a.title.localeCompare(b.title)));
}

/** A labelled native select. */
function choice(label: string, onChange: (value: string) => void): { element: HTMLElement; select: HTMLSelectElement } {
  const select = h('select', { class: 'select', 'aria-label': label, onchange: () => onChange(select.value) });
  return { element: h('label', { class: 'toolbar-group' }, h('span', { class: 'control-label' }, label), select), select };
}

/** Fills a select, leaving its options alone when they are the same (a live refresh must not close an open list). */
function setOptions(select: HTMLSelectElement, options: ReadonlyArray<{ value: string; text: string }>, value: string): void {
  const same = select.options.length === options.length && options.every((o, i) => select.options[i]?.value === o.value && select.options[i]?.text === o.text);
  if (!same) select.replaceChildren(...options.map((o) => h('option', { value: o.value }, o.text)));
  if (select.value !== value) select.value = value;
}

const bandNote =
  'Each line is the mean of a group’s runs at each step; its band spans their min to max there. Runs are aligned on step ' +
  '(on epoch for a metric logged without steps): between two steps a run logged its value is interpolated, and a run ' +
  'counts only from its first to its last step.';

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

  async function init(): Promise<void> {
    if (runRefs.length === 0) throw new Error('no runs were selected: pick runs on the Runs page, then Compare');
    let comparison = await api.compare(runRefs);
    const lists = await Promise.all(comparison.runs.map((run) => api.series(run.id)));
    if (destroyed) return;
    const found = comparison.runs.length;
    document.title = `Compare ${found} ${found === 1 ? 'run' : 'runs'} · runmeter`;
    const runs: ComparedRun[] = comparison.runs.map((run, i) => ({
      id: run.id,
      name: run.name,
      label: run.label,
      startTime: run.startTime,
      series: new Map((lists[i]?.series ?? []).map((s) => [s.id, s])),
      color: paletteColor(i),
      badge: statusBadge(run.status as Parameters<typeof statusBadge>[0]),
    }));
    const colors = runs.map((run) => run.color);
    let view = readCompareView();

    const legend = h(
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
      // A ref that names no run stays in view, marked, so the user sees what is left out and why.
      ...comparison.missing.map((ref) =>
        h(
          'span',
          { class: 'compare-run missing', 'data-missing': ref, title: 'No run has this id, id prefix or name (or several do)' },
          h('span', { class: 'compare-run-name' }, ref),
          h('span', { class: 'missing-badge' }, 'not found'),
        ),
      ),
    );
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

    // Params diff, with a toggle for every param.
    const paramsBody = h('div', {});
    const paramsCount = h('span', { class: 'section-count' });
    const paramsToggle = h('button', {
      type: 'button',
      class: 'button button-quiet params-toggle',
      onclick: () => change({ ...view, allParams: !view.allParams }),
    });
    const metricsBody = h('div', {});

    // Charts: a line per run, or a mean line and band per group.
    const prefs = chartPrefs('compare', ['time', 'relative', 'step', 'epoch'], 'step');
    const grid = new ChartGrid({ syncKey: 'compare', ...prefs, onZoomChange: (zoomed) => toolbar.setZoomed(zoomed) });
    const toolbar = chartToolbar({ page: 'compare', modes: ['time', 'relative', 'step', 'epoch'], ...prefs, grids: () => [grid] });
    cleanups.push(() => grid.destroy());
    const groupGrid = h('div', { class: 'chart-grid group-grid' });
    let groupCharts: GroupChart[] = [];
    let groupedBy: string | undefined;
    const stopTheme = onThemeChange(() => {
      for (const chart of groupCharts) chart.restyle();
    });
    cleanups.push(stopTheme, () => {
      for (const chart of groupCharts) chart.destroy();
    });
    const groupBy = choice('Group by', (value) => change({ ...view, group: value }));
    const groupNote = h('p', { class: 'compare-note group-note' }, bandNote);
    const empty = h(
      'div',
      { class: 'empty-state' },
      h('h2', {}, 'No training metrics to compare'),
      h('p', {}, 'None of these runs has recorded a training metric yet.'),
    );

    // Scatter: a param against a metric's final or best value.
    const scatterParam = choice('Param', (value) => change({ ...view, scatterParam: value }));
    const scatterMetric = choice('Metric', (value) => change({ ...view, scatterMetric: value }));
    const scatterValue = segmented({
      label: 'Value',
      choices: [
        ['final', 'Final'],
        ['best', 'Best'],
      ] as const,
      value: view.scatterValue,
      onChange: (value) => change({ ...view, scatterValue: value }),
    });
    const scatterControls = h(
      'div',
      { class: 'scatter-controls' },
      scatterParam.element,
      scatterMetric.element,
      h('div', { class: 'toolbar-group' }, h('span', { class: 'control-label' }, 'Value'), scatterValue),
    );
    const scatterBody = h('div', { class: 'scatter-body' });
    let scatterWidth = 0;
    const scatterResize = new ResizeObserver(() => {
      if (Math.abs(scatterBody.clientWidth - scatterWidth) > 20) renderScatter();
    });
    scatterResize.observe(scatterBody);
    cleanups.push(() => scatterResize.disconnect());

    function change(next: CompareView): void {
      writeCompareView(next);
      applyView(next);
    }

    function renderParams(): void {
      const { differing, same } = comparison.params;
      const total = differing.length + same.length;
      setText(paramsCount, total === 0 ? '' : `${differing.length} of ${total} differ`);
      paramsToggle.hidden = same.length === 0;
      setText(paramsToggle, view.allParams ? 'Only the params that differ' : `Show all ${total} params`);
      paramsToggle.setAttribute('aria-pressed', String(view.allParams));
      replaceChildren(paramsBody, paramsTable(comparison, colors, view.allParams));
    }

    /** The group-by choices, and the charts for the chosen one: a line per run when none. */
    function renderCharts(reloadGroups = false): void {
      const choices = groupChoices(comparison);
      const group = choices.some((c) => c.key === view.group) ? view.group : '';
      setOptions(groupBy.select, [{ value: '', text: 'None (a line per run)' }, ...choices.map((c) => ({ value: c.key, text: c.text }))], group);
      const specs = compareSpecs(runs);
      empty.hidden = specs.length > 0;
      grid.setCharts(specs);
      const key = `${group}|${comparison.metrics.map((m) => m.key).join(',')}`;
      groupNote.hidden = group === '';
      toolbar.hidden = group !== '';
      grid.element.hidden = group !== '';
      groupGrid.hidden = group === '';
      if (group === '') return;
      if (key === groupedBy) {
        if (reloadGroups) for (const chart of groupCharts) void chart.load();
        return;
      }
      groupedBy = key;
      for (const chart of groupCharts) chart.destroy();
      const groups = groupRuns(comparison, group);
      const groupColors = groups.map((_, g) => paletteColor(g));
      groupCharts = comparison.metrics.map((metric) => {
        const sources = metric.values.map((value, i) =>
          value?.seriesId === undefined ? undefined : { runId: comparison.runs[i]?.id as string, seriesId: value.seriesId },
        );
        // Keras logs epochs without steps: such a metric is aligned on epoch.
        const summaries = sources.map((source, i) => (source === undefined ? undefined : runs[i]?.series.get(source.seriesId)));
        const axis = summaries.some((s) => s?.firstStep !== undefined) || !summaries.some((s) => s?.firstEpoch !== undefined) ? 'step' : 'epoch';
        return new GroupChart(metric.key, groups, sources, groupColors, axis);
      });
      groupGrid.replaceChildren(...groupCharts.map((chart) => chart.element));
      for (const chart of groupCharts) void chart.load();
    }

    function renderScatter(): void {
      const { differing, same, values } = comparison.params;
      const params = [...differing, ...same];
      const metrics = comparison.metrics.map((m) => m.key);
      // By default, the differing numeric param with the most values (a swept learning rate) against the first metric.
      const spread = (name: string) => new Set((values[name] ?? []).filter((v) => typeof v === 'number')).size;
      const numeric = differing.filter((name) => spread(name) > 1).sort((a, b) => spread(b) - spread(a))[0];
      const param = params.includes(view.scatterParam) ? view.scatterParam : (numeric ?? params[0] ?? '');
      const metricKey = metrics.includes(view.scatterMetric) ? view.scatterMetric : (metrics[0] ?? '');
      setOptions(
        scatterParam.select,
        params.map((p) => ({ value: p, text: p })),
        param,
      );
      setOptions(
        scatterMetric.select,
        metrics.map((m) => ({ value: m, text: m })),
        metricKey,
      );
      scatterValue.setValue(view.scatterValue);
      scatterControls.hidden = param === '' || metricKey === '';
      scatterWidth = scatterBody.clientWidth;
      if (param === '' || metricKey === '') {
        replaceChildren(scatterBody, h('p', { class: 'compare-note' }, param === '' ? 'These runs have no params.' : 'These runs have no training metrics.'));
        return;
      }
      const metric = comparison.metrics.find((m) => m.key === metricKey);
      const points: ScatterPoint[] = [];
      const left: string[] = [];
      comparison.runs.forEach((run, i) => {
        const stat = metric?.values[i];
        const raw = view.scatterValue === 'best' ? stat?.best : stat?.last;
        const y = typeof raw === 'number' ? raw : undefined;
        const x = values[param]?.[i];
        if (x === undefined || x === null) left.push(`${run.label} (no ${param})`);
        else if (y === undefined)
          left.push(`${run.label} (${stat ? `${view.scatterValue === 'best' ? 'no best' : 'final'} ${metricKey} is ${raw ?? 'unknown'}` : `no ${metricKey}`})`);
        else points.push({ runId: run.id, label: run.label, color: colors[i] as string, x, y });
      });
      const yName = `${metricKey} (${view.scatterValue === 'best' ? 'best' : 'final'})`;
      replaceChildren(scatterBody, scatterFigure(points, left, { width: scatterWidth || 640, xName: param, yName }));
    }

    function applyView(next: CompareView): void {
      view = next;
      renderParams();
      renderCharts();
      renderScatter();
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
            // The same runs only: a ref that now names a run (created since) shows on the next load of the page.
            if (destroyed || fresh.runs.map((r) => r.id).join(',') !== comparison.runs.map((r) => r.id).join(',')) return;
            comparison = fresh;
            replaceChildren(metricsBody, metricsTable(comparison, colors));
            renderParams();
            renderCharts(true);
            renderScatter();
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
        grid.reloadAll();
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
          grid.onSeriesCount(event.runId, s.id, s.count);
        }
        if (added) renderCharts();
      } else if (event.type === 'points') grid.onPoints(event.runId, event.seriesId, event);
    }
    cleanups.push(() => live.close());

    const missingText = comparison.missing.length === 0 ? '' : ` · ${comparison.missing.length} not found`;
    replaceChildren(
      element,
      breadcrumb(),
      h('div', { class: 'page-header' }, h('h1', {}, `Compare ${found} ${found === 1 ? 'run' : 'runs'}`), h('span', { class: 'page-count' }, missingText)),
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
      h(
        'section',
        { class: 'compare-section charts-section' },
        h('header', { class: 'section-head' }, h('h2', {}, 'Charts'), h('div', { class: 'toolbar-spacer' }), groupBy.element),
        groupNote,
        toolbar,
        empty,
        grid.element,
        groupGrid,
      ),
      h(
        'section',
        { class: 'compare-section scatter-section' },
        h('header', { class: 'section-head' }, h('h2', {}, 'Scatter'), h('div', { class: 'toolbar-spacer' }), scatterControls),
        scatterBody,
      ),
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
      return true;
    },
    destroy() {
      destroyed = true;
      for (const cleanup of cleanups) cleanup();
    },
  };
}

function breadcrumb(): HTMLElement {
  return h('nav', { class: 'breadcrumb' }, h('a', { href: '#/' }, 'Runs'), h('span', { class: 'breadcrumb-sep' }, '/'), h('span', {}, 'Compare'));
}
