import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { loginPage } from './login-page.js';
import { csrfTokenFor, sameSecret, type TokenChecker } from './tokens.js';

/** The cookie that holds the dashboard's token (HttpOnly, SameSite=Strict). */
export const SESSION_COOKIE = 'runmeter_session';
/** The header the dashboard sends its CSRF value in on requests that change data. */
export const CSRF_HEADER = 'x-runmeter-csrf';

/** Who may use the server: tokens always; tokens once any exists (loopback); nobody checked (--insecure-no-auth). */
export type AuthMode = 'tokens' | 'tokens-if-any' | 'none';

/** Whether requests need a token now. Once one was needed it stays so: revoking the last token never opens the server. */
export function authPolicy(checker: TokenChecker, mode: AuthMode): { required(): Promise<boolean> } {
  let required = mode === 'tokens';
  return {
    async required() {
      if (!required && mode === 'tokens-if-any' && (await checker.current()).length > 0) required = true;
      return required;
    },
  };
}

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The host part of a Host header: `127.0.0.1:8080` → `127.0.0.1`, `[::1]:80` → `::1`. */
export function hostOf(header: string): string {
  const bracketed = /^\[([^\]]+)\]/.exec(header);
  if (bracketed) return (bracketed[1] as string).toLowerCase();
  return header.replace(/:\d+$/, '').toLowerCase();
}

/** Refuses Host names other than `allowed` (a loopback server's guard against DNS rebinding). */
export function hostGuard(allowed: string[]): MiddlewareHandler {
  const names = new Set(allowed.map((h) => h.toLowerCase()));
  return async (c, next) => {
    const host = hostOf(c.req.header('host') ?? '');
    if (!names.has(host)) return c.text(`host "${host}" is not served here; open the dashboard at one of: ${[...names].join(', ')}`, 403);
    await next();
  };
}

/** Refuses a request that changes data when a browser says it comes from another site (its Origin is not this host). */
export function originGuard(): MiddlewareHandler {
  return async (c, next) => {
    const origin = c.req.header('origin');
    if (!safeMethods.has(c.req.method) && origin !== undefined) {
      let originHost = 'null';
      try {
        originHost = new URL(origin).host.toLowerCase();
      } catch {}
      if (originHost !== (c.req.header('host') ?? '').toLowerCase()) {
        return c.json({ error: { code: 'E_CROSS_ORIGIN', message: `a request from ${origin} may not change data here` } }, 403);
      }
    }
    await next();
  };
}

/** The bearer token of a request, if it sent one. */
export function bearerToken(c: Context): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '');
  return match?.[1];
}

function unauthorized(c: Context, message: string): Response {
  const api = c.req.path.startsWith('/api/');
  c.header('WWW-Authenticate', 'Bearer realm="runmeter"');
  if (!api && c.req.method === 'GET') return c.html(loginPage(), 401);
  return c.json({ error: { code: 'E_UNAUTHORIZED', message } }, 401);
}

/**
 * Lets a request through with a token in force: `Authorization: Bearer` (agents, scripts), or the dashboard's
 * session cookie. A request that changes data must carry a header credential too (the bearer token, or the
 * session's CSRF value), so a cross-site form that rides on the cookie cannot change anything.
 */
export function authGuard(checker: TokenChecker, policy: { required(): Promise<boolean> }): MiddlewareHandler {
  return async (c, next) => {
    if (!(await policy.required())) return next();
    const bearer = bearerToken(c);
    if (bearer !== undefined) {
      if ((await checker.check(bearer)) === undefined) return unauthorized(c, 'the bearer token is not one this server knows (wrong, or revoked)');
      return next();
    }
    const session = getCookie(c, SESSION_COOKIE);
    if (session === undefined) return unauthorized(c, 'this server needs a token: send "Authorization: Bearer TOKEN" (runmeter token create NAME makes one)');
    if ((await checker.check(session)) === undefined)
      return unauthorized(c, 'the session token is not one this server knows (revoked?); sign in again at /login');
    if (!safeMethods.has(c.req.method) && !sameSecret(c.req.header(CSRF_HEADER) ?? '', csrfTokenFor(session))) {
      return c.json(
        {
          error: {
            code: 'E_TOKEN_HEADER',
            message: `requests that change data need the token in a header (Authorization: Bearer, or ${CSRF_HEADER}), not only a cookie`,
          },
        },
        403,
      );
    }
    return next();
  };
}
