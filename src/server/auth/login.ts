import { Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { SESSION_COOKIE } from './guard.js';
import { loginPage } from './login-page.js';
import { csrfTokenFor, type TokenChecker } from './tokens.js';

const SESSION_SECONDS = 30 * 24 * 3600;

/** The dashboard's sign-in: GET /login (the form), POST /login (token in, HttpOnly cookie out), POST /logout. */
export function loginRoutes(checker: TokenChecker): Hono {
  const app = new Hono();
  app.get('/login', (c) => c.html(loginPage()));
  app.post('/login', async (c) => {
    if (Number(c.req.header('content-length') ?? 0) > 4096) return c.html(loginPage('That is too long to be a token.'), 413);
    const form = await c.req.parseBody();
    const token = typeof form.token === 'string' ? form.token.trim() : '';
    if ((await checker.check(token)) === undefined) return c.html(loginPage('That token is not one this server knows (wrong, or revoked).'), 401);
    setCookie(c, SESSION_COOKIE, token, { httpOnly: true, sameSite: 'Strict', path: '/', maxAge: SESSION_SECONDS });
    return c.redirect('/', 303);
  });
  app.post('/logout', (c) => {
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    return c.redirect('/login', 303);
  });
  return app;
}

/** GET /api/v1/session (behind the guard): whether tokens are in force, and the dashboard's CSRF value for writes. */
export function sessionRoute(checker: TokenChecker, policy: { required(): Promise<boolean> }): Hono {
  const app = new Hono();
  app.get('/session', async (c) => {
    const session = getCookie(c, SESSION_COOKIE);
    const name = session === undefined ? undefined : await checker.check(session);
    const auth = await policy.required();
    return c.json({ auth, ...(name !== undefined && session !== undefined ? { name, csrfToken: csrfTokenFor(session) } : {}) });
  });
  return app;
}
