import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Store } from '../store/store.js';
import { createApp } from './app.js';
import type { Exporter } from './types.js';

/** How to start the dashboard server. */
export interface ServerOptions {
  store: Store;
  /** Default 127.0.0.1: only this machine can connect. */
  host?: string;
  /** Default 8080; 0 picks a free port. */
  port?: number;
  exporters?: Record<string, Exporter>;
  webRoot?: string;
  /** Refuse every change to runs (rename, tag, note, delete). */
  readOnly?: boolean;
}

/** A running dashboard server. */
export interface RunningServer {
  /** Where it listens, with the real port: `http://127.0.0.1:8080`. */
  url: string;
  /** The token the dashboard's write requests carry; `runmeter ui` prints it in the URL when the address is not loopback. */
  writeToken: string;
  /** Whether pages get the token from /api/v1/session (loopback) or must be opened with it in the URL. */
  tokenHandedOut: boolean;
  close(): Promise<void>;
}

const loopbackNames = ['127.0.0.1', 'localhost', '::1'];

/** Starts the dashboard and API; resolves once it listens, rejects with Node's listen error (EADDRINUSE, ...). */
export function startServer(options: ServerOptions): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 8080;
  const loopback = loopbackNames.includes(host) || host.startsWith('127.');
  const app = createApp({
    store: options.store,
    ...(options.exporters ? { exporters: options.exporters } : {}),
    ...(options.webRoot ? { webRoot: options.webRoot } : {}),
    readOnly: options.readOnly ?? false,
    handOutToken: loopback,
    // On a loopback address, refuse other Host names, so a web page cannot reach the API through DNS rebinding.
    ...(loopback ? { allowedHosts: [...loopbackNames, host] } : {}),
  });
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, hostname: host, port }, (info: AddressInfo) => {
      const shown = info.family === 'IPv6' ? `[${info.address}]` : info.address;
      resolve({
        url: `http://${shown}:${info.port}`,
        writeToken: app.writeToken,
        tokenHandedOut: loopback,
        close: () =>
          new Promise<void>((done) => {
            app.feed.stop();
            server.close(() => done());
            // Open live streams would keep close() waiting forever.
            if ('closeAllConnections' in server) server.closeAllConnections();
          }),
      });
    });
    // Rejects with Node's own error (code EADDRINUSE, EACCES, ...), so callers can try another port.
    server.once('error', reject);
  });
}
