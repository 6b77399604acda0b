import type { XMode } from '../api.js';
import type { ChartGrid } from '../charts/chart-grid.js';
import { h, icon } from '../dom.js';
import { loadChoice, loadNumber, save } from '../prefs.js';
import { searchBox, segmented, smoothingSlider } from './controls.js';

const modeLabels: Record<XMode, string> = { time: 'Time', relative: 'Relative', step: 'Step', epoch: 'Epoch' };

/** The x mode and smoothing a page remembers, read before its grids are built. */
export function chartPrefs(page: string, modes: readonly XMode[], fallback: XMode): { xMode: XMode; smoothing: number } {
  return { xMode: loadChoice(`${page}.x`, modes, fallback), smoothing: loadNumber(`${page}.smoothing`, 0, 0, 0.99) };
}

/**
 * The controls above a page's charts: x axis, smoothing, chart filter and zoom reset. Choices apply to every grid
 * given and are remembered per page.
 */
export function chartToolbar(options: { page: string; modes: readonly XMode[]; xMode: XMode; smoothing: number; grids: () => ChartGrid[] }): HTMLElement & {
  setZoomed(zoomed: boolean): void;
} {
  const reset = h(
    'button',
    {
      type: 'button',
      class: 'button button-quiet',
      disabled: true,
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
    value: options.xMode,
    onChange: (mode) => {
      save(`${options.page}.x`, mode);
      reset.disabled = true;
      for (const grid of options.grids()) grid.setXMode(mode);
    },
  });
  const bar = h(
    'div',
    { class: 'chart-toolbar' },
    h('div', { class: 'toolbar-group' }, h('span', { class: 'control-label' }, 'X axis'), xControl),
    smoothingSlider(options.smoothing, (weight) => {
      save(`${options.page}.smoothing`, weight);
      for (const grid of options.grids()) grid.setSmoothing(weight);
    }),
    h('div', { class: 'toolbar-spacer' }),
    searchBox({
      placeholder: 'Filter charts',
      onInput: (text) => {
        for (const grid of options.grids()) grid.filter(text);
      },
    }),
    reset,
  );
  return Object.assign(bar, {
    setZoomed(zoomed: boolean) {
      reset.disabled = !zoomed;
    },
  });
}
