import type { LiveEvent } from './api.js';

/**
 * Handlers for the live stream's events. `connected` runs each time the stream (re)opens: whatever changed between
 * the page's first reads and that moment came as no event, so the page reads its lists again. `resync` means
 * events were lost and everything should be read again.
 */
export interface LiveHandlers {
  event(event: LiveEvent): void;
  connected?(): void;
  resync(): void;
}

type ConnectionState = 'connecting' | 'live' | 'offline';
const stateListeners = new Set<(state: ConnectionState) => void>();
let connectionState: ConnectionState = 'connecting';

function setState(state: ConnectionState): void {
  connectionState = state;
  for (const listener of stateListeners) listener(state);
}

/** Calls `listener` with the live stream's state now and on every change; returns the function that stops it. */
export function onConnectionState(listener: (state: ConnectionState) => void): () => void {
  stateListeners.add(listener);
  listener(connectionState);
  return () => stateListeners.delete(listener);
}

const eventTypes: ReadonlyArray<LiveEvent['type']> = ['run', 'series', 'points', 'log'];

/**
 * Opens the live stream for some runs (every run's status comes anyway). The browser reconnects by itself;
 * after a reconnect, events may have been missed, so handlers are told to resync.
 */
export function connectLive(runIds: string[], handlers: LiveHandlers): { close(): void } {
  const source = new EventSource(`/api/v1/live${runIds.length > 0 ? `?runs=${runIds.map(encodeURIComponent).join(',')}` : ''}`);
  let dropped = false;
  setState('connecting');
  source.addEventListener('hello', () => {
    setState('live');
    if (dropped) handlers.resync();
    else handlers.connected?.();
    dropped = false;
  });
  source.addEventListener('error', () => {
    dropped = true;
    setState(source.readyState === EventSource.CLOSED ? 'offline' : 'connecting');
  });
  source.addEventListener('resync', () => handlers.resync());
  for (const type of eventTypes) {
    source.addEventListener(type, (message) => handlers.event(JSON.parse((message as MessageEvent<string>).data) as LiveEvent));
  }
  return {
    close() {
      source.close();
    },
  };
}
