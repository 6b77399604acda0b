import { h } from '../../dom.js';

/** A labelled native select that reports the chosen value. */
export function labelledSelect(label: string, onChange: (value: string) => void, name = ''): { element: HTMLElement; select: HTMLSelectElement } {
  const select = h('select', { class: name === '' ? 'select' : `select ${name}`, 'aria-label': label, onchange: () => onChange(select.value) });
  return { element: h('label', { class: 'toolbar-group' }, h('span', { class: 'control-label' }, label), select), select };
}

/** Fills a select, leaving its options alone when they are the same (a live refresh must not close an open list). */
export function setOptions(select: HTMLSelectElement, options: ReadonlyArray<{ value: string; text: string }>, value: string): void {
  const same = select.options.length === options.length && options.every((o, i) => select.options[i]?.value === o.value && select.options[i]?.text === o.text);
  if (!same) select.replaceChildren(...options.map((o) => h('option', { value: o.value }, o.text)));
  if (select.value !== value) select.value = value;
}
