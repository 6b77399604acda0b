import { h, icon } from '../dom.js';

/** A row of mutually exclusive buttons (radio semantics), like "Time | Relative | Step | Epoch". */
export function segmented<T extends string>(options: {
  label: string;
  choices: ReadonlyArray<readonly [T, string]>;
  value: T;
  onChange(value: T): void;
}): HTMLElement & { setValue(value: T): void } {
  const buttons = options.choices.map(([value, text]) =>
    h('button', { type: 'button', role: 'radio', 'data-value': value, class: 'segment', onclick: () => select(value, true) }, text),
  );
  const group = Object.assign(h('div', { class: 'segmented', role: 'radiogroup', 'aria-label': options.label }, ...buttons), {
    setValue: (value: T) => select(value, false),
  });
  function select(value: T, notify: boolean): void {
    for (const button of buttons) {
      const on = button.dataset.value === value;
      button.classList.toggle('active', on);
      button.setAttribute('aria-checked', String(on));
    }
    if (notify) options.onChange(value);
  }
  select(options.value, false);
  return group;
}

/** A search box that reports its text as the user types (debounced). */
export function searchBox(options: { placeholder: string; value?: string; onInput(text: string): void; delayMs?: number }): HTMLElement & {
  input: HTMLInputElement;
} {
  const input = h('input', { type: 'search', class: 'search-input', placeholder: options.placeholder, value: options.value ?? '', spellcheck: 'false' });
  let timer: number | undefined;
  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = window.setTimeout(() => options.onInput(input.value), options.delayMs ?? 120);
  });
  return Object.assign(h('label', { class: 'search' }, icon('search', 14), input), { input });
}

/** The EMA smoothing slider: 0 is off; the raw line always stays visible under the smoothed one. */
export function smoothingSlider(value: number, onChange: (weight: number) => void): HTMLElement {
  const output = h('output', { class: 'slider-value' });
  const input = h('input', { type: 'range', min: '0', max: '0.99', step: '0.01', value: String(value), 'aria-label': 'Smoothing' });
  const show = () => {
    output.textContent = Number(input.value) === 0 ? 'off' : Number(input.value).toFixed(2);
  };
  input.addEventListener('input', () => {
    show();
    onChange(Number(input.value));
  });
  show();
  return h(
    'label',
    { class: 'slider', title: 'Exponential moving average; the raw line stays visible, faint' },
    h('span', { class: 'control-label' }, 'Smoothing'),
    input,
    output,
  );
}
