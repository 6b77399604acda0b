import type { Store } from '../store/store.js';

/** Writes one run in one file format; `runmeter ui` passes src/export's exporters in, keyed by format name. */
export interface Exporter {
  contentType: string;
  /** The file name's extension, without the dot. */
  extension: string;
  write(store: Store, runId: string, out: NodeJS.WritableStream): Promise<void>;
}

/** What the HTTP app serves from. */
export interface AppOptions {
  store: Store;
  /** Export formats by name (`csv`, `jsonl`, `prov-json`); a format without one answers 404. */
  exporters?: Record<string, Exporter>;
  /** The built dashboard's folder; defaults to the package's dist/web. */
  webRoot?: string;
  /** Host header values accepted; absent accepts any. Guards a loopback server against DNS rebinding. */
  allowedHosts?: string[];
  /** How often the live stream polls the store for changes, in ms (default 200). */
  pollIntervalMs?: number;
  /** Refuse every change (rename, tag, note, delete). */
  readOnly?: boolean;
  /** The token write requests must carry; a random one when absent. */
  writeToken?: string;
  /** Give the token to any page that asks /api/v1/session: on a loopback address, where the Host check keeps other sites out. */
  handOutToken?: boolean;
}
