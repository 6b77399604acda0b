import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { RunmeterError } from '../model/errors.js';
import type { Store } from '../store/store.js';
import { createApp } from './app.js';
import { type AuthMode, authGuard, authPolicy, hostGuard, originGuard } from './auth/guard.js';
import { loginRoutes, sessionRoute } from './auth/login.js';
import { TokenChecker } from './auth/tokens.js';
import { errorResponse } from './errors.js';
import { Admission, defaultIngestLimits, type IngestLimits } from './ingest/admission.js';
import { ingestRoutes } from './ingest/routes.js';
import type { RunningServer } from './server.js';
import { storeApiRoutes } from './store-api/routes.js';
import type { Exporter } from './types.js';

/** How to start `runmeter server`. */
export interface TeamServerOptions {
  store: Store;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 8080; 0 picks a free port. */
  port?: number;
  /** Serve without checking tokens, even on an address other machines reach. */
  insecureNoAuth?: boolean;
  limits?: Partial<IngestLimits>;
  exporters?: Record<string, Exporter>;
  webRoot?: string;
  /** How often live streams poll the store, in ms. */
  pollIntervalMs?: number;
}

const loopbackNames = ['127.0.0.1', 'localhost', '::1'];

/** Whether an address is reachable from this machine only. */
export function isLoopback(host: string): boolean {
  return loopbackNames.includes(host.toLowerCase()) || host.startsWith('127.');
}

/**
 * Builds the team server's app: the dashboard and read API of `runmeter ui`, plus the ingest API, behind tokens.
 * @example
 * const app = await createTeamApp({ store, host: '127.0.0.1' });
 * await app.request('/api/v1/batches', { method: 'POST', headers: { authorization: `Bearer ${token}` }, body });
 */
export async function createTeamApp(options: TeamServerOptions): Promise<Hono & { close(): void; admission: Admission }> {
  const host = options.host ?? '127.0.0.1';
  const loopback = isLoopback(host);
  const checker = new TokenChecker(options.store);
  const mode: AuthMode = options.insecureNoAuth ? 'none' : loopback ? 'tokens-if-any' : 'tokens';
  if (mode === 'tokens' && (await checker.current()).length === 0) {
    throw new RunmeterError(
      'E_SERVER_NO_TOKENS',
      `refusing to serve ${options.store.location} on ${host} without tokens: anyone who reaches it could read and write every run. ` +
        'Create one first (runmeter token create NAME --store ...), or pass --insecure-no-auth',
    );
  }
  const dashboard = createApp({
    store: options.store,
    ...(options.exporters ? { exporters: options.exporters } : {}),
    ...(options.webRoot ? { webRoot: options.webRoot } : {}),
    ...(options.pollIntervalMs ? { pollIntervalMs: options.pollIntervalMs } : {}),
  });
  const admission = new Admission({ ...defaultIngestLimits, ...options.limits });
  const app = new Hono();
  app.onError(errorResponse);
  // On a loopback address, refuse other Host names, so a web page cannot reach the API through DNS rebinding.
  if (loopback) app.use(hostGuard([...loopbackNames, host]));
  app.use(originGuard());
  app.route('/', loginRoutes(checker));
  const policy = authPolicy(checker, mode);
  app.use(authGuard(checker, policy));
  app.route('/api/v1', sessionRoute(checker, policy));
  app.route('/api/v1', ingestRoutes(options.store, admission));
  app.route('/api/v1', storeApiRoutes(options.store));
  // Everything else is the dashboard's, as `runmeter ui` serves it.
  app.all('*', (c) => dashboard.fetch(c.req.raw, c.env));
  return Object.assign(app, { close: () => dashboard.feed.stop(), admission });
}

/** A running team server: where it listens, and how to stop it. */
export type TeamServer = Pick<RunningServer, 'url' | 'close'>;

/** Starts `runmeter server`; resolves once it listens. Throws E_SERVER_NO_TOKENS on a non-loopback address without tokens. */
export async function startTeamServer(options: TeamServerOptions): Promise<TeamServer> {
  const app = await createTeamApp(options);
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, hostname: options.host ?? '127.0.0.1', port: options.port ?? 8080 }, (info: AddressInfo) => {
      const shown = info.family === 'IPv6' ? `[${info.address}]` : info.address;
      resolve({
        url: `http://${shown}:${info.port}`,
        close: () =>
          new Promise<void>((done) => {
            app.close();
            server.close(() => done());
            if ('closeAllConnections' in server) server.closeAllConnections();
          }),
      });
    });
    server.once('error', reject);
  });
}
