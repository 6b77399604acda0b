import { h } from '../dom.js';

/** The page shown when a page cannot load: what failed, why, and the way back to the runs list. */
export function errorState(title: string, message: string): HTMLElement {
  return h('div', { class: 'empty-state error' }, h('h2', {}, title), h('p', {}, message), h('a', { href: '#/', class: 'button' }, 'Back to runs'));
}
