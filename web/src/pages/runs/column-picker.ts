import { compareMetricKeys, type FieldSchema, fieldName, metricAggregates } from '../../../../src/model/run-query/index.js';
import { h, icon } from '../../dom.js';
import { runColumnIds } from './columns.js';

/**
 * The Columns menu: run fields, params and each metric's last, min or max, from what the runs have. Ticking one adds
 * its column at the end, unticking removes it; Default goes back to the columns chosen for these runs.
 */
export function columnPicker(options: { schema: () => FieldSchema; chosen: () => string[]; onChange(ids: string[] | undefined): void }): HTMLElement {
  const list = h('div', { class: 'picker-list' });
  const search = h('input', { type: 'search', class: 'picker-search', placeholder: 'Find a column', spellcheck: 'false', 'aria-label': 'Find a column' });
  const menu = h(
    'details',
    { class: 'menu column-picker' },
    h('summary', { class: 'button', title: 'Choose the columns: params, metrics (last, min or max), run fields' }, icon('columns', 14), 'Columns'),
    h(
      'div',
      { class: 'menu-items picker' },
      h(
        'div',
        { class: 'picker-top' },
        search,
        h('button', { type: 'button', class: 'button button-quiet', onclick: () => options.onChange(undefined) }, 'Default'),
      ),
      list,
    ),
  );

  const toggle = (id: string, on: boolean) => {
    const ids = options.chosen().filter((c) => c !== id);
    options.onChange(on ? [...ids, id] : ids);
  };
  const box = (id: string, label: string) => {
    const input = h('input', { type: 'checkbox', checked: options.chosen().includes(id), 'data-column': id });
    input.addEventListener('change', () => toggle(id, input.checked));
    return h('label', { class: 'picker-item', title: id }, input, h('span', {}, label));
  };

  function fill(): void {
    const schema = options.schema();
    const needle = search.value.trim().toLowerCase();
    const match = (name: string) => needle === '' || name.toLowerCase().includes(needle);
    const groups: HTMLElement[] = [];
    const runItems = runColumnIds.filter(match).map((id) => box(id, id));
    if (runItems.length > 0) groups.push(h('div', { class: 'picker-group' }, h('h4', {}, 'Run'), ...runItems));
    const params = [...schema.params].sort((a, b) => a.localeCompare(b)).filter(match);
    if (params.length > 0)
      groups.push(h('div', { class: 'picker-group' }, h('h4', {}, 'Params'), ...params.map((p) => box(fieldName({ kind: 'param', name: p }, schema), p))));
    const metrics = [...schema.metrics].sort(compareMetricKeys).filter(match);
    if (metrics.length > 0) {
      groups.push(
        h(
          'div',
          { class: 'picker-group' },
          h('h4', {}, 'Metrics'),
          ...metrics.map((key) =>
            h(
              'div',
              { class: 'picker-metric' },
              h('span', { class: 'picker-metric-name', title: key }, key),
              ...metricAggregates.map((aggregate) => box(fieldName({ kind: 'metric', key, aggregate }, schema), aggregate)),
            ),
          ),
        ),
      );
    }
    list.replaceChildren(...(groups.length > 0 ? groups : [h('p', { class: 'muted picker-none' }, 'No column matches.')]));
  }
  search.addEventListener('input', fill);
  menu.addEventListener('toggle', () => {
    if (menu.open) fill();
  });
  return Object.assign(menu, { refresh: fill });
}
