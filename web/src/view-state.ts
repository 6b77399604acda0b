// Every view setting lives in the URL's hash query (`#/compare?runs=a,b&x=step&log=1`), so a link reproduces the
// view. A choice Back should undo is pushed as a history entry; typing and dragging replace the current one.

/** The settings in the current URL. */
export function viewParams(hash = location.hash): URLSearchParams {
  const query = hash.indexOf('?');
  return new URLSearchParams(query === -1 ? '' : hash.slice(query + 1));
}

/** The hash's path, without its query: `#/runs/abc`. */
export function viewPath(hash = location.hash): string {
  const query = hash.indexOf('?');
  return query === -1 ? hash || '#/' : hash.slice(0, query);
}

/** The hash for a path with settings; empty settings are left out. */
export function withParams(path: string, params: URLSearchParams): string {
  const query = params.toString();
  return query === '' ? path : `${path}?${query}`;
}

let ownWrites = 0;
let shown: string | undefined;

/**
 * Records that the page now shows `hash`, and says whether it did already: Back fires both popstate and hashchange,
 * and a page's own writes must not be routed again.
 */
export function showing(hash: string): boolean {
  const already = hash === shown;
  shown = hash;
  return already;
}

/**
 * Writes settings into the URL (undefined or '' removes one). `push` adds a history entry, so Back returns to the
 * view before; `replace` rewrites the current one. Neither reloads the page: the shell ignores its own writes.
 */
export function writeView(changes: Record<string, string | undefined>, mode: 'push' | 'replace'): void {
  const params = viewParams();
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined || value === '') params.delete(key);
    else params.set(key, value);
  }
  const next = withParams(viewPath(), params);
  if (next === location.hash) return;
  ownWrites++;
  if (mode === 'push') history.pushState(null, '', next);
  else history.replaceState(null, '', next);
  shown = location.hash;
  ownWrites--;
}

/** True while writeView changes the URL (the shell must not route then). */
export function writingView(): boolean {
  return ownWrites > 0;
}

export { decodeList, decodePair, encodeList, encodePair } from './url-lists.js';
