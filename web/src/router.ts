// Client-side routes in the URL's hash, so `runmeter ui` serves one page and links still work when shared.

/** Where the app is. */
export type Route =
  | { page: 'runs' }
  | { page: 'run'; runId: string; tab: RunTab }
  | { page: 'compare'; runIds: string[] }
  | { page: 'not-found'; path: string };

export type RunTab = 'charts' | 'system' | 'logs' | 'overview';
const runTabs: readonly RunTab[] = ['charts', 'system', 'logs', 'overview'];

/** A path segment without its %-escapes, or undefined when they are malformed (`%E0`, `%zz`). */
function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/** Reads a route from a location hash such as `#/runs/abc123/logs`; a malformed one is the not-found page. */
export function parseRoute(hash: string): Route {
  const [path = '', query = ''] = hash.replace(/^#/, '').split('?');
  const parts = path
    .split('/')
    .filter((p) => p !== '')
    .map(decodeSegment);
  if (parts.some((p) => p === undefined)) return { page: 'not-found', path };
  if (parts.length === 0 || (parts.length === 1 && parts[0] === 'runs')) return { page: 'runs' };
  if (parts[0] === 'runs' && parts[1] !== undefined && parts.length <= 3) {
    const tab = (runTabs as readonly string[]).includes(parts[2] ?? '') ? (parts[2] as RunTab) : 'charts';
    return { page: 'run', runId: parts[1], tab };
  }
  if (parts[0] === 'compare') {
    const runs = new URLSearchParams(query).get('runs') ?? '';
    return { page: 'compare', runIds: runs.split(',').filter((id) => id !== '') };
  }
  return { page: 'not-found', path };
}

/** The hash for a route. */
export function href(route: Route): string {
  switch (route.page) {
    case 'runs':
      return '#/';
    case 'run':
      return `#/runs/${encodeURIComponent(route.runId)}${route.tab === 'charts' ? '' : `/${route.tab}`}`;
    case 'compare':
      return `#/compare?runs=${route.runIds.map(encodeURIComponent).join(',')}`;
    default:
      return '#/';
  }
}
