/** The dashboard's HTTP server: the JSON API under /api/v1, the live stream, and the built web app. */

export type * from './api-types.js';
export { createApp } from './app.js';
export { ApiError } from './errors.js';
export { type RunningServer, type ServerOptions, startServer } from './server.js';
export type { AppOptions, Exporter } from './types.js';
