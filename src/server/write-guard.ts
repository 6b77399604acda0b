import { timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { ApiError } from './errors.js';

/** The request header that carries the server's write token. A header, never a cookie: a cross-site page cannot set it. */
export const TOKEN_HEADER = 'x-runmeter-token';

/** What guards the routes that change runs. */
export interface WriteAccess {
  /** Random per server start; the dashboard reads it from /api/v1/session or from the URL `runmeter ui` printed. */
  token: string;
  /** `runmeter ui --read-only`: every write is refused. */
  readOnly: boolean;
}

function sameToken(given: string, token: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Lets a write through only with the server's token in X-Runmeter-Token and, when the browser says where the request
 * comes from (Origin, Sec-Fetch-Site), only from the dashboard's own origin: a page on another site cannot call it.
 */
export function writeGuard(access: WriteAccess): MiddlewareHandler {
  return async (c, next) => {
    if (access.readOnly)
      throw new ApiError(403, 'E_READ_ONLY', 'this dashboard is read-only (runmeter ui --read-only): runs cannot be changed or deleted here');
    const origin = c.req.header('origin');
    const own = `${new URL(c.req.url).protocol}//${c.req.header('host') ?? ''}`;
    if (origin !== undefined && origin.toLowerCase() !== own.toLowerCase()) {
      throw new ApiError(403, 'E_ORIGIN', `changes come only from the dashboard's own pages (${own}); this request came from ${origin}`);
    }
    if (c.req.header('sec-fetch-site') === 'cross-site')
      throw new ApiError(403, 'E_ORIGIN', `changes come only from the dashboard's own pages (${own}); this request came from another site`);
    const given = c.req.header(TOKEN_HEADER);
    if (given === undefined || !sameToken(given, access.token)) {
      throw new ApiError(
        401,
        'E_TOKEN',
        `a change needs the ${TOKEN_HEADER} header with this server's token${given === undefined ? '' : ' (the one given is not it)'}; reload the dashboard to get it`,
      );
    }
    await next();
  };
}
