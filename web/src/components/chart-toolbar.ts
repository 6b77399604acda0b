import type { XMode } from '../api.js';
import type { ChartGrid } from '../charts/chart-grid.js';
import { ChartView } from '../charts/chart-view.js';
import { h, icon } from '../dom.js';
import { searchBox, segmented, smoothingSlider } from './controls.js';

const modeLabels: Record<XMode, string> = { time: 'Time', relative: 'Relative', step: 'Step', epoch: 'Epoch' };

/** The prefix of a page's settings in the URL: the run page's System tab keeps its own beside the Metrics tab's. */
const urlPrefixes: Record<string, string> = { system: 'sys.' };

/**
 * A page's chart view, read from the URL (else the page's remembered x axis and smoothing), before its grids are
 * built. Pass it whole to the page's grids and toolbar: they share it.
 */
export function chartPrefs(page: string, modes: readonly XMode[], fallback: XMode): { xMode: XMode; smoothing: number; view: ChartView } {
  const view = new ChartView(page, urlPrefixes[page] ?? '', modes, fallback);
  return { xMode: view.xMode, smoothing: view.smoothing, view };
}

/**
 * The controls above a page's charts: x axis, smoothing, log scale, chart filter and zoom reset. Choices apply to
 * every grid given, go into the URL (Back undoes them), and the x axis and smoothing are remembered per page.
 */
export function chartToolbar(options: {
  page: string;
  modes: readonly XMode[];
  xMode: XMode;
  smoothing: number;
  view?: ChartView;
  grids: () => ChartGrid[];
}): HTMLElement & {
  setZoomed(zoomed: boolean): void;
} {
  const view = options.view ?? chartPrefs(options.page, options.modes, options.xMode).view;
  const reset = h(
    'button',
    {
      type: 'button',
      class: 'button button-quiet',
      disabled: view.zoom === null,
      title: 'Zoom out to the whole run (or double-click a chart)',
      onclick: () => {
        for (const grid of options.grids()) grid.resetZoom();
      },
    },
    icon('reset', 14),
    'Reset zoom',
  );
  const xControl = segmented({
    label: 'X axis',
    choices: options.modes.map((mode) => [mode, modeLabels[mode]] as const),
    value: view.xMode,
    onChange: (mode) => {
      view.xMode = mode;
      view.zoom = null;
      view.remember();
      view.write('push');
      reset.disabled = true;
      for (const grid of options.grids()) grid.setXMode(mode);
    },
  });
  const smoothing = smoothingSlider(view.smoothing, (weight) => {
    view.smoothing = weight;
    view.remember();
    view.write('replace');
    for (const grid of options.grids()) grid.setSmoothing(weight);
  });
  const logAll = h('input', {
    type: 'checkbox',
    class: 'log-all',
    checked: view.logAll,
    onchange: () => {
      for (const grid of options.grids()) grid.setLogAll(logAll.checked);
      view.write('push');
    },
  });
  const filter = searchBox({
    placeholder: 'Filter charts',
    value: view.filter,
    onInput: (text) => {
      for (const grid of options.grids()) grid.filter(text);
      view.write('replace');
    },
  });
  // Back and Forward: the controls show what the URL now says (the grids redraw themselves).
  view.onRead(() => {
    xControl.setValue(view.xMode);
    const slider = smoothing.querySelector('input');
    if (slider && Number(slider.value) !== view.smoothing) {
      slider.value = String(view.smoothing);
      slider.dispatchEvent(new Event('input'));
    }
    logAll.checked = view.logAll;
    if (filter.input.value !== view.filter) filter.input.value = view.filter;
    reset.disabled = view.zoom === null;
  });
  const bar = h(
    'div',
    { class: 'chart-toolbar' },
    h('div', { class: 'toolbar-group' }, h('span', { class: 'control-label' }, 'X axis'), xControl),
    smoothing,
    h('label', { class: 'toggle', title: 'Logarithmic y axes on every chart (each chart’s “log” button flips its own)' }, logAll, 'Log scale'),
    h('div', { class: 'toolbar-spacer' }),
    filter,
    reset,
  );
  return Object.assign(bar, {
    setZoomed(zoomed: boolean) {
      reset.disabled = !zoomed;
    },
  });
}
