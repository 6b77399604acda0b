import { afterEach, describe, expect, it } from 'vitest';
import { postBatch, ServerSendError } from '../../src/record/http-client.js';
import { csrfTokenFor, type TeamServer } from '../../src/server/index.js';
import type { Store } from '../../src/store/store.js';
import { runCli, tempHome, waitFor } from '../helpers/cli.js';
import { tempStore } from '../helpers/store.js';
import { addToken, lossBatchBytes, rawRequest, startTeam } from './team-helpers.js';

let store: Store;
let server: TeamServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
  await store?.close();
});

/** Every route a client can reach: the API (reads, ingest, live, export, unknown) and the dashboard's pages. */
const routes: Array<[string, string]> = [
  ['GET', '/api/v1/runs'],
  ['GET', '/api/v1/runs/last'],
  ['GET', '/api/v1/runs/last/series'],
  ['GET', '/api/v1/runs/last/series/1/data'],
  ['GET', '/api/v1/runs/last/series/1/points'],
  ['GET', '/api/v1/runs/last/logs'],
  ['GET', '/api/v1/runs/last/export?format=csv'],
  ['GET', '/api/v1/live'],
  ['GET', '/api/v1/session'],
  ['GET', '/api/v1/nothing-here'],
  ['POST', '/api/v1/batches'],
  ['POST', '/api/v1/runs/last'],
  ['DELETE', '/api/v1/runs/last'],
  ['GET', '/'],
  ['GET', '/runs/abc'],
];

describe('runmeter server: tokens', () => {
  it('answers 401 on every route without a token, and with a wrong one; the login page is the only one open', async () => {
    ({ store } = await tempStore());
    await addToken(store, 'alice');
    server = await startTeam(store);
    for (const [method, path] of routes) {
      const none = await rawRequest(`${server.url}${path}`, { method });
      expect([method, path, none.status]).toEqual([method, path, 401]);
      const wrong = await rawRequest(`${server.url}${path}`, { method, headers: { authorization: 'Bearer rmt_wrong' } });
      expect([method, path, wrong.status]).toEqual([method, path, 401]);
    }
    const page = await rawRequest(`${server.url}/`);
    expect(page.body).toContain('<form method="post" action="/login">');
    expect(page.headers['www-authenticate']).toBe('Bearer realm="runmeter"');
    expect((await rawRequest(`${server.url}/login`)).status).toBe(200);
  });

  it('lets a token in, and refuses it within a second of its revocation', async () => {
    ({ store } = await tempStore());
    const token = await addToken(store, 'alice');
    server = await startTeam(store);
    const url = `${server.url}/api/v1/runs`;
    const auth = { authorization: `Bearer ${token}` };
    expect((await rawRequest(url, { headers: auth })).status).toBe(200);
    expect(await postBatch(server.url, token, lossBatchBytes('run1', 'p', 1, 0, 10))).toEqual({ applied: true });
    await store.revokeToken('alice');
    await waitFor(async () => (await rawRequest(url, { headers: auth })).status === 401, 3000, 'the revoked token to be refused');
    const refused = await postBatch(server.url, token, lossBatchBytes('run1', 'p', 2, 10, 20)).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ServerSendError);
    expect(refused).toMatchObject({ status: 401, retryable: false });
  });

  it('refuses a foreign Host on loopback (DNS rebinding) with 403, with or without a token', async () => {
    ({ store } = await tempStore());
    const token = await addToken(store, 'alice');
    server = await startTeam(store);
    const foreign = await rawRequest(`${server.url}/api/v1/runs`, { headers: { host: 'evil.example:8080', authorization: `Bearer ${token}` } });
    expect(foreign.status).toBe(403);
    expect(foreign.body).toContain('host "evil.example" is not served here');
    expect((await rawRequest(`${server.url}/api/v1/runs`, { headers: { host: 'evil.example' } })).status).toBe(403);
    expect((await rawRequest(`${server.url}/api/v1/runs`, { headers: { host: 'localhost:1', authorization: `Bearer ${token}` } })).status).toBe(200);
  });

  it('signs the dashboard in once: an HttpOnly SameSite=Strict cookie reads, but changes need a header token', async () => {
    ({ store } = await tempStore());
    const token = await addToken(store, 'alice');
    server = await startTeam(store);
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    expect((await rawRequest(`${server.url}/login`, { method: 'POST', headers: form, body: 'token=rmt_nope' })).status).toBe(401);
    const login = await rawRequest(`${server.url}/login`, { method: 'POST', headers: form, body: `token=${encodeURIComponent(token)}` });
    expect(login.status).toBe(303);
    const setCookie = String(login.headers['set-cookie']);
    expect(setCookie).toMatch(/^runmeter_session=rmt_[^;]+;/);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    const cookie = setCookie.split(';')[0] as string;
    expect((await rawRequest(`${server.url}/api/v1/runs`, { headers: { cookie } })).status).toBe(200);
    const session = JSON.parse((await rawRequest(`${server.url}/api/v1/session`, { headers: { cookie } })).body);
    expect(session).toEqual({ auth: true, name: 'alice', csrfToken: csrfTokenFor(token) });

    const batch = { 'content-type': 'application/x-runmeter-batch', cookie };
    const body = lossBatchBytes('run2', 'p', 1, 0, 5);
    // A cross-site page posting with the victim's cookie: refused by its Origin, and for lack of a header token.
    const crossSite = await rawRequest(`${server.url}/api/v1/batches`, { method: 'POST', headers: { ...batch, origin: 'https://evil.example' }, body });
    expect(crossSite.status).toBe(403);
    const cookieOnly = await rawRequest(`${server.url}/api/v1/batches`, { method: 'POST', headers: batch, body });
    expect(cookieOnly.status).toBe(403);
    expect(JSON.parse(cookieOnly.body).error.code).toBe('E_TOKEN_HEADER');
    expect(await store.getRun('run2')).toBeUndefined();
    const withHeader = await rawRequest(`${server.url}/api/v1/batches`, { method: 'POST', headers: { ...batch, 'x-runmeter-csrf': session.csrfToken }, body });
    expect(withHeader.status).toBe(200);
    expect((await store.listSeries('run2'))[0]?.count).toBe(5);
  });

  it('refuses a cross-origin POST even with no tokens at all (loopback), and a batch sent as a form type', async () => {
    ({ store } = await tempStore());
    server = await startTeam(store);
    const body = lossBatchBytes('run3', 'p', 1, 0, 5);
    const crossSite = await rawRequest(`${server.url}/api/v1/batches`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-runmeter-batch', origin: 'http://evil.example' },
      body,
    });
    expect(crossSite.status).toBe(403);
    const asText = await rawRequest(`${server.url}/api/v1/batches`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body });
    expect(asText.status).toBe(415);
    expect(await store.getRun('run3')).toBeUndefined();
    expect(await postBatch(server.url, undefined, body)).toEqual({ applied: true });
  });
});

describe('runmeter server command', () => {
  it('refuses to start on 0.0.0.0 without tokens, and says how to make one', async () => {
    const home = tempHome();
    const result = await runCli(['server', '--host', '0.0.0.0', '--port', '0'], { home });
    expect(result.code).toBe(1);
    expect(result.stderr.toString()).toMatch(/refusing to serve .* on 0\.0\.0\.0 without tokens.*runmeter token create NAME.*--insecure-no-auth/);
  });

  it('creates a token (printed once), lists it by name only, and revokes it', async () => {
    const home = tempHome();
    const created = await runCli(['token', 'create', 'alice'], { home });
    expect(created.code).toBe(0);
    const token = created.stdout.toString().trim();
    expect(token).toMatch(/^rmt_[A-Za-z0-9_-]{43}$/);
    const listed = await runCli(['token', 'ls', '--json'], { home });
    expect(JSON.parse(listed.stdout.toString()).tokens.map((t: { name: string }) => t.name)).toEqual(['alice']);
    expect(listed.stdout.toString()).not.toContain(token);
    expect((await runCli(['token', 'create', 'alice'], { home })).stderr.toString()).toContain('a token named "alice" exists already');
    expect((await runCli(['token', 'revoke', 'alice'], { home })).code).toBe(0);
    const again = await runCli(['token', 'revoke', 'alice'], { home });
    expect(again.code).toBe(1);
    expect(again.stderr.toString()).toContain('no token named "alice"');
  });
});
