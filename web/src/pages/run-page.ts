import { api, type LiveEvent, type RunResponse, type SeriesView } from '../api.js';
import { ChartGrid } from '../charts/chart-grid.js';
import { chartPrefs, chartToolbar } from '../components/chart-toolbar.js';
import { errorState } from '../components/error-state.js';
import { LogView } from '../components/log-view.js';
import { h, replaceChildren, setText } from '../dom.js';
import { connectLive } from '../live.js';
import type { Page } from '../page.js';
import { href, type RunTab } from '../router.js';
import { viewParams, withParams, writeView } from '../view-state.js';
import { flopsSummary } from './flops-summary.js';
import { runChartSpecs } from './run-charts.js';
import { runHeader } from './run-header.js';
import { runOverview } from './run-overview.js';

const tabLabels: Record<RunTab, string> = { charts: 'Metrics', system: 'System', logs: 'Logs', overview: 'Params & info' };

/** The log line a link names (`#/runs/ID/logs?line=stderr:12345`: the stream and the byte it starts at). */
function linkedLine(): { stream: 'stdout' | 'stderr'; offset: number } | undefined {
  const match = /^(stdout|stderr):(\d+)$/.exec(viewParams().get('line') ?? '');
  return match ? { stream: match[1] as 'stdout' | 'stderr', offset: Number(match[2]) } : undefined;
}

/** A run: header, then tabs for training metrics and FLOPs, system metrics, the output log, and params. All live. */
export function runPage(runRef: string, initialTab: RunTab): Page {
  const element = h('div', { class: 'page run-page' }, h('div', { class: 'page-loading' }, 'Loading run…'));
  const cleanups: Array<() => void> = [];
  let showTab: (tab: RunTab) => void = () => {};
  let rereadViews: () => void = () => {};
  let logView: LogView | undefined;
  let runId = runRef;
  let destroyed = false;

  async function init(): Promise<void> {
    const [detail, list] = await Promise.all([api.run(runRef), api.series(runRef)]);
    if (destroyed) return;
    runId = detail.run.id;
    document.title = `${detail.run.name} · runmeter`;
    const series = new Map(list.series.map((s) => [s.id, s]));
    const header = runHeader(detail, (changed) => replaceChildren(panels.overview, runOverview({ ...detail, run: changed })));
    cleanups.push(header.destroy);

    const trainingPrefs = chartPrefs('run', ['time', 'relative', 'step', 'epoch'], 'step');
    const systemPrefs = chartPrefs('system', ['time', 'relative'], 'relative');
    const onZoom = (zoomed: boolean, bar: { setZoomed(z: boolean): void }) => bar.setZoomed(zoomed);
    const training = new ChartGrid({ syncKey: `run-${runId}`, ...trainingPrefs, onZoomChange: (z) => onZoom(z, trainingBar) });
    const flops = new ChartGrid({ syncKey: `run-${runId}`, ...trainingPrefs, onZoomChange: (z) => onZoom(z, trainingBar) });
    const system = new ChartGrid({ syncKey: `system-${runId}`, ...systemPrefs, onZoomChange: (z) => onZoom(z, systemBar) });
    cleanups.push(
      () => training.destroy(),
      () => flops.destroy(),
      () => system.destroy(),
    );
    const trainingBar = chartToolbar({ page: 'run', modes: ['time', 'relative', 'step', 'epoch'], ...trainingPrefs, grids: () => [training, flops] });
    rereadViews = () => {
      trainingPrefs.view.reread();
      systemPrefs.view.reread();
    };
    const systemBar = chartToolbar({ page: 'system', modes: ['time', 'relative'], ...systemPrefs, grids: () => [system] });

    const flopsStats = h('div', {});
    const flopsSection = h('div', { class: 'section' }, h('h2', { class: 'section-title' }, 'FLOPs'), flopsStats, flops.element);
    let running = detail.run.status === 'running';
    const trainingEmptyTitle = h('h2', {});
    const trainingEmptyText = h('p', {});
    const trainingEmpty = h('div', { class: 'empty-state' }, trainingEmptyTitle, trainingEmptyText);
    const systemEmpty = h(
      'div',
      { class: 'empty-state' },
      h('h2', {}, 'No system metrics'),
      h('p', {}, 'This run recorded no CPU, memory, disk or GPU samples.'),
    );
    const panels: Record<RunTab, HTMLElement> = {
      charts: h(
        'div',
        { class: 'tab-panel' },
        trainingBar,
        h('div', { class: 'section' }, h('h2', { class: 'section-title' }, 'Training metrics'), trainingEmpty, training.element),
        flopsSection,
      ),
      system: h('div', { class: 'tab-panel' }, systemBar, h('div', { class: 'section' }, systemEmpty, system.element)),
      logs: h('div', { class: 'tab-panel' }),
      overview: h('div', { class: 'tab-panel' }, runOverview(detail)),
    };
    const counts: Partial<Record<RunTab, HTMLElement>> = { charts: h('span', { class: 'tab-count' }), system: h('span', { class: 'tab-count' }) };
    // A tab's link keeps the view's settings (the URL's query), so the charts are as they were on coming back.
    const tabs = (Object.keys(tabLabels) as RunTab[]).map((tab) =>
      h(
        'a',
        {
          class: 'tab',
          role: 'tab',
          'data-tab': tab,
          href: href({ page: 'run', runId, tab }),
          onclick: (event: Event) => {
            event.preventDefault();
            location.hash = withParams(href({ page: 'run', runId, tab }), viewParams());
          },
        },
        tabLabels[tab],
        counts[tab] ?? null,
      ),
    );
    let logSizes = detail.output;
    const shown = new Set<RunTab>();

    function refreshCharts(): void {
      const all = [...series.values()];
      const specs = {
        training: runChartSpecs(all, 'training', runId, detail.run.startTime),
        flops: runChartSpecs(all, 'flops', runId, detail.run.startTime),
        system: runChartSpecs(all, 'system', runId, detail.run.startTime),
      };
      setText(counts.charts as HTMLElement, String(specs.training.length + specs.flops.length));
      setText(counts.system as HTMLElement, String(specs.system.length));
      trainingEmpty.hidden = specs.training.length > 0;
      setText(trainingEmptyTitle, running ? 'No training metrics yet' : 'No training metrics recorded');
      setText(
        trainingEmptyText,
        running
          ? 'Metrics the job prints (JSON lines, Keras, Hugging Face, Lightning, tqdm, ...) appear here as they are parsed.'
          : 'runmeter found no metric lines in what this job printed (JSON lines, Keras, Hugging Face, Lightning, tqdm, ...).',
      );
      flopsSection.hidden = specs.flops.length === 0;
      systemEmpty.hidden = specs.system.length > 0;
      trainingBar.hidden = specs.training.length + specs.flops.length === 0;
      systemBar.hidden = specs.system.length === 0;
      if (shown.has('charts')) {
        training.setCharts(specs.training);
        flops.setCharts(specs.flops);
      }
      if (shown.has('system')) system.setCharts(specs.system);
    }

    function renderFlops(current: RunResponse): void {
      replaceChildren(flopsStats, current.flops.length > 0 ? flopsSummary(current.flops) : null);
    }
    renderFlops(detail);

    showTab = (tab: RunTab) => {
      for (const link of tabs) link.classList.toggle('active', link.dataset.tab === tab);
      for (const [name, panel] of Object.entries(panels)) panel.hidden = name !== tab;
      if (!shown.has(tab)) {
        shown.add(tab);
        if (tab === 'logs') {
          // A joined run (run --join) keeps each node's output apart: a picker chooses whose is shown.
          const nodes = [...new Set((detail.run.members ?? []).map((m) => m.node))];
          const asked = viewParams().get('node');
          let node = asked !== null && nodes.includes(asked) ? asked : nodes.length > 1 ? nodes[0] : undefined;
          const open = () => {
            logView?.destroy();
            logView = new LogView(runId, node === nodes[0] ? undefined : node);
            replaceChildren(panels.logs, picker, logView.element);
            void logView.start(logSizes, linkedLine());
          };
          const picker =
            nodes.length > 1
              ? h(
                  'label',
                  { class: 'log-node' },
                  h('span', { class: 'control-label' }, 'Node'),
                  h(
                    'select',
                    {
                      class: 'log-node-select',
                      onchange: (event: Event) => {
                        node = (event.target as HTMLSelectElement).value;
                        writeView({ node }, 'push');
                        open();
                      },
                    },
                    ...nodes.map((name) => h('option', { value: name, selected: name === node }, name)),
                  ),
                )
              : null;
          cleanups.push(() => logView?.destroy());
          open();
        }
        refreshCharts();
      }
    };

    let flopsTimer: number | undefined;
    function onEvent(event: LiveEvent): void {
      if (event.type === 'run') {
        if (event.run.id !== runId) return;
        header.update(event.run);
        if (running !== (event.run.status === 'running')) {
          running = event.run.status === 'running';
          refreshCharts();
        }
      } else if (event.type === 'series') {
        let added = false;
        for (const s of event.series) {
          added ||= !series.has(s.id);
          series.set(s.id, s);
          for (const grid of [training, flops, system]) grid.onSeriesCount(runId, s.id, s.count);
        }
        if (added) refreshCharts();
        if (event.series.some((s: SeriesView) => s.kind === 'flops') && flopsTimer === undefined) {
          flopsTimer = window.setTimeout(() => {
            flopsTimer = undefined;
            void api.run(runId).then(renderFlops, () => {});
          }, 2000);
        }
      } else if (event.type === 'points') {
        for (const grid of [training, flops, system]) grid.onPoints(event.runId, event.seriesId, event);
      } else if (event.type === 'log') {
        logSizes = { stdout: event.stdout, stderr: event.stderr };
        logView?.onSizes(logSizes);
      }
    }
    /** Reads the series list and the run again: new series get charts, longer ones read their new points. */
    async function catchUp(): Promise<void> {
      const [fresh, current] = await Promise.all([api.series(runId), api.run(runId)]);
      onEvent({ type: 'series', runId, series: fresh.series });
      onEvent({ type: 'run', run: current.run });
      logSizes = current.output;
      logView?.onSizes(logSizes);
    }
    const live = connectLive([runId], {
      event: onEvent,
      connected: () => void catchUp().catch(() => {}),
      resync: () => {
        void catchUp()
          .then(() => {
            for (const grid of [training, flops, system]) grid.reloadAll();
          })
          .catch(() => {});
      },
    });
    cleanups.push(
      () => live.close(),
      () => clearTimeout(flopsTimer),
    );

    replaceChildren(element, header.element, h('nav', { class: 'tabs', role: 'tablist' }, ...tabs), ...Object.values(panels));
    refreshCharts();
    // A run that ended with system metrics only opens on them. A running one stays on its metrics, which say none
    // came yet: a job's first metric line often comes after the first system sample, and would land on a hidden tab.
    const hasTraining = [...series.values()].some((s) => s.chart.section !== 'system');
    showTab(initialTab === 'charts' && !running && !hasTraining && series.size > 0 ? 'system' : initialTab);
  }

  init().catch((error: Error) => {
    if (destroyed) return;
    replaceChildren(element, errorState('Could not open this run', error.message));
  });

  return {
    element,
    update(route) {
      if (route.page !== 'run' || (route.runId !== runRef && route.runId !== runId)) return false;
      // A link to a log line when the log is already open: go to that line.
      const reveal = route.tab === 'logs' && logView !== undefined ? linkedLine() : undefined;
      showTab(route.tab);
      rereadViews();
      if (reveal) void logView?.reveal(reveal);
      return true;
    },
    destroy() {
      destroyed = true;
      for (const cleanup of cleanups) cleanup();
    },
  };
}
