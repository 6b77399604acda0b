import type { Route } from './router.js';

/** What a page gives the shell: its element, and how to stop its timers, streams and charts. */
export interface Page {
  element: HTMLElement;
  destroy(): void;
  /** Takes a new route in place (a run page switching tabs); false when the shell should build a new page. */
  update?(route: Route): boolean;
}
