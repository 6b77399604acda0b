import { randomBytes } from 'node:crypto';
import { type Context, Hono } from 'hono';
import { jsonDocument } from '../model/json-shape.js';
import { ApiError, errorResponse } from './errors.js';
import { ChangeFeed } from './live.js';
import { compareRoutes } from './routes/compare.js';
import { exportRoutes } from './routes/export.js';
import { liveRoutes } from './routes/live.js';
import { logRoutes } from './routes/logs.js';
import { organiseRoutes } from './routes/organise.js';
import { runRoutes } from './routes/runs.js';
import { seriesRoutes } from './routes/series.js';
import { defaultWebRoot, serveWeb } from './static.js';
import type { AppOptions } from './types.js';

/** The host part of a Host header: `127.0.0.1:8080` → `127.0.0.1`, `[::1]:80` → `::1`. */
function hostName(header: string): string {
  const bracketed = /^\[([^\]]+)\]/.exec(header);
  if (bracketed) return bracketed[1] as string;
  return header.replace(/:\d+$/, '');
}

/** Makes every JSON body of a request carry `schemaVersion` first (docs/json.md), errors included. */
function versionJsonBodies(c: Context): void {
  const json = c.json;
  c.json = ((body: unknown, ...rest: unknown[]) =>
    (json as (...args: unknown[]) => Response)(
      typeof body === 'object' && body !== null && !Array.isArray(body) ? jsonDocument(body) : body,
      ...rest,
    )) as typeof c.json;
}

/** A fresh random token for write requests: 192 bits, URL-safe. */
export function newWriteToken(): string {
  return randomBytes(24).toString('base64url');
}

/**
 * The dashboard's HTTP app: the JSON API under /api/v1, the live stream, and the built web app.
 * @example
 * const app = createApp({ store });
 * const response = await app.request('/api/v1/runs');
 */
export function createApp(options: AppOptions): Hono & { feed: ChangeFeed; writeToken: string } {
  const { store } = options;
  const feed = new ChangeFeed(store, options.pollIntervalMs);
  const app = new Hono();
  app.onError(errorResponse);

  if (options.allowedHosts !== undefined) {
    const allowed = new Set(options.allowedHosts.map((h) => h.toLowerCase()));
    app.use(async (c, next) => {
      const host = hostName((c.req.header('host') ?? '').toLowerCase());
      if (!allowed.has(host)) return c.text(`host "${host}" is not served here; open the dashboard at one of: ${[...allowed].join(', ')}`, 403);
      await next();
    });
  }

  app.use('/api/*', async (c, next) => {
    versionJsonBodies(c);
    await next();
  });

  const access = { token: options.writeToken ?? newWriteToken(), readOnly: options.readOnly ?? false };
  const api = new Hono();
  api.route('/', organiseRoutes(store, feed, access, options.handOutToken ?? false));
  api.route('/', runRoutes(store));
  api.route('/', compareRoutes(store));
  api.route('/', seriesRoutes(store));
  api.route('/', logRoutes(store));
  api.route('/', exportRoutes(store, options.exporters ?? {}));
  api.route('/', liveRoutes(feed));
  api.all('*', (c) => {
    throw new ApiError(
      404,
      'E_NOT_FOUND',
      `no API endpoint ${c.req.method} ${new URL(c.req.url).pathname}; the endpoints are listed in docs/dashboard.md (HTTP API)`,
    );
  });
  app.route('/api/v1', api);
  app.all('/api/*', (c) => {
    throw new ApiError(404, 'E_NOT_FOUND', `no API endpoint ${c.req.method} ${new URL(c.req.url).pathname}; the API lives under /api/v1`);
  });
  app.get('*', serveWeb(options.webRoot ?? defaultWebRoot()));
  return Object.assign(app, { feed, writeToken: access.token });
}
