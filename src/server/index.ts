/** The dashboard's HTTP server: the JSON API under /api/v1, the live stream, and the built web app. */

export type * from './api-types.js';
export { createApp } from './app.js';
export { csrfTokenFor, hashApiToken, newApiToken } from './auth/tokens.js';
export { ApiError } from './errors.js';
export { BATCH_CONTENT_TYPE } from './ingest/routes.js';
export { type RunningServer, type ServerOptions, startServer } from './server.js';
export { createTeamApp, isLoopback, startTeamServer, type TeamServer, type TeamServerOptions } from './team-server.js';
export type { AppOptions, Exporter } from './types.js';
