import type { FilterError } from '../../../../src/model/run-query/index.js';
import { h, icon } from '../../dom.js';

/**
 * The filter box: an expression (`lr > 0.01 and status = failed`, `tag:sweep`) or words to find. It reports every
 * keystroke at once (filtering 10,000 runs takes milliseconds), and shows an error under itself with the place marked.
 */
export function filterBox(options: {
  value: string;
  onInput(text: string): void;
}): HTMLElement & { showError(text: string, error?: FilterError): void; input: HTMLInputElement } {
  const input = h('input', {
    type: 'search',
    class: 'search-input',
    placeholder: 'Filter: lr > 0.01 and status = failed, tag:sweep, or words',
    spellcheck: 'false',
    'aria-label': 'Filter runs',
    value: options.value,
  });
  input.addEventListener('input', () => options.onInput(input.value));
  const error = h('div', { class: 'filter-error', role: 'alert' });
  error.hidden = true;
  const box = h('div', { class: 'filter-box' }, h('label', { class: 'search filter-search' }, icon('search', 14), input), error);
  return Object.assign(box, {
    input,
    showError(text: string, problem?: FilterError) {
      box.classList.toggle('invalid', problem !== undefined);
      error.hidden = problem === undefined;
      if (problem === undefined) return;
      const end = Math.min(text.length, problem.position + Math.max(1, problem.length));
      const marked = text.slice(problem.position, end) || ' ';
      error.replaceChildren(
        h('code', { class: 'filter-error-text' }, text.slice(0, problem.position), h('mark', {}, marked), text.slice(end)),
        h('span', { class: 'filter-error-message' }, problem.message),
      );
    },
  });
}
