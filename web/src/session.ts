// What this page may change, and the token its write requests carry. The token comes from /api/v1/session on a
// loopback address, or from the link `runmeter ui` printed (`#/?token=...`) elsewhere; it is kept for this tab only.
import { api, useWriteHeaders } from './api.js';

const storageKey = 'runmeter.token';
let token: string | undefined;
let readOnly = true;
let loaded: Promise<void> | undefined;

/** Takes a token from the URL (and removes it from the address bar, so it is not shared with a link). */
function tokenFromUrl(): string | undefined {
  const [path = '', query = ''] = location.hash.split('?');
  const params = new URLSearchParams(query);
  const given = params.get('token');
  if (given === null) return undefined;
  params.delete('token');
  const rest = params.toString();
  history.replaceState(null, '', rest === '' ? path || '#/' : `${path}?${rest}`);
  return given;
}

/** Reads the session once: whether writes are allowed, and the token for them. */
export function loadSession(): Promise<void> {
  loaded ??= (async () => {
    const fromUrl = tokenFromUrl();
    try {
      if (fromUrl) sessionStorage.setItem(storageKey, fromUrl);
    } catch {
      // Storage disabled: the token lasts until the page reloads.
    }
    const session = await api.session().catch(() => ({ readOnly: true, token: undefined }));
    readOnly = session.readOnly;
    let stored: string | null = null;
    try {
      stored = sessionStorage.getItem(storageKey);
    } catch {
      stored = null;
    }
    token = session.token ?? fromUrl ?? stored ?? undefined;
  })();
  return loaded;
}

/** Whether this page can rename, tag, note and delete runs. */
export function canWrite(): boolean {
  return !readOnly && token !== undefined;
}

/** Why it cannot, for tooltips. */
export function whyReadOnly(): string {
  return readOnly ? 'This dashboard is read-only (runmeter ui --read-only)' : 'Open the link runmeter ui printed (it carries the key for changes)';
}

/** The header write requests carry. */
export function writeHeaders(): Record<string, string> {
  return token === undefined ? {} : { 'x-runmeter-token': token };
}

useWriteHeaders(writeHeaders);
