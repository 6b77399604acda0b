import { afterEach, describe, expect, it } from 'vitest';
import type { LiveEvent, SessionResponse } from '../../src/server/index.js';
import type { Store } from '../../src/store/store.js';
import { createRun, t0, tempStore, testApp } from './helpers.js';

let store: Store;
afterEach(async () => store?.close());

const origin = 'http://127.0.0.1:8080';
const token = 'test-token-0123456789';

/** What a change request answers: the run, or an error. */
interface Answer {
  run: { name: string; tags: string[] };
  deleted: string;
  error: { code: string; message: string };
}

/** The app with a known token, and a helper that sends a change as the dashboard does. */
function organiseApp(options: { readOnly?: boolean; handOutToken?: boolean } = {}) {
  const { app, json } = testApp({ store, writeToken: token, handOutToken: options.handOutToken ?? true, ...options });
  const send = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const response = await app.request(`${origin}${path}`, {
      method,
      headers: { host: '127.0.0.1:8080', origin, 'x-runmeter-token': token, 'content-type': 'application/json', ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as Answer };
  };
  return { app, json, send };
}

describe('organising runs over the API', () => {
  it('renames, tags, untags, notes and moves a run to a project', async () => {
    ({ store } = tempStore());
    const run = await createRun(store, { name: 'pythn', tags: ['sweep', 'old'] });
    const { send } = organiseApp();
    expect((await send('PATCH', `/api/v1/runs/${run.id}`, { name: '  python-baseline ' })).body.run.name).toBe('python-baseline');
    const tagged = await send('PATCH', `/api/v1/runs/${run.id}`, { addTags: ['best', 'sweep'], removeTags: ['old'] });
    expect(tagged.body.run.tags).toEqual(['sweep', 'best']);
    await send('PATCH', `/api/v1/runs/${run.id}`, { note: '**lr too high**, <script>x</script>', project: 'mnist' });
    expect(await store.getRun(run.id)).toMatchObject({
      name: 'python-baseline',
      tags: ['sweep', 'best'],
      note: '**lr too high**, <script>x</script>',
      project: 'mnist',
    });
    await send('PATCH', `/api/v1/runs/${run.id}`, { note: '' });
    expect((await store.getRun(run.id))?.note).toBeUndefined();
  });

  it('refuses bad changes with a message naming the field', async () => {
    ({ store } = tempStore());
    const run = await createRun(store);
    const { send } = organiseApp();
    const cases: Array<[unknown, string]> = [
      [{ name: '' }, '"name": the name must not be empty'],
      [{ name: 'a\nb' }, '"name": the name must not contain control characters'],
      [{ addTags: ['two words'] }, '"addTags": a tag must be one word without spaces or commas'],
      [{ addTags: 'sweep' }, '"addTags" must be a list of strings'],
      [{ colour: 'red' }, 'unknown field "colour"'],
      [[1, 2], 'the body must be a JSON object'],
    ];
    for (const [body, message] of cases) {
      const answer = await send('PATCH', `/api/v1/runs/${run.id}`, body);
      expect(answer.status).toBe(400);
      expect(answer.body.error.message).toContain(message);
    }
    expect((await send('PATCH', '/api/v1/runs/nope', { name: 'x' })).body.error.code).toBe('E_RUN_NOT_FOUND');
  });

  it('deletes a finished run, tells live listeners, and refuses a running one', async () => {
    ({ store } = tempStore());
    const done = await createRun(store, { status: 'succeeded', endTime: t0 + 1000 });
    const running = await createRun(store, { name: 'live' });
    const { app, send } = organiseApp();
    const events: LiveEvent[] = [];
    const stop = await app.feed.subscribe([], (event) => events.push(event));
    const refused = await send('DELETE', `/api/v1/runs/${running.id}`);
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'E_RUN_RUNNING', message: expect.stringContaining('still running') });
    const deleted = await send('DELETE', `/api/v1/runs/${done.id}`);
    expect(deleted.status).toBe(200);
    expect(deleted.body.deleted).toBe(done.id);
    expect(await store.getRun(done.id)).toBeUndefined();
    expect(await store.getRun(running.id)).toBeDefined();
    expect(events).toContainEqual({ type: 'removed', runId: done.id });
    stop();
  });
});

describe('who may change runs', () => {
  it('needs the token in a header: none, a wrong one, or only a cookie is refused', async () => {
    ({ store } = tempStore());
    const run = await createRun(store, { name: 'keep' });
    const { send } = organiseApp();
    const without = await send('PATCH', `/api/v1/runs/${run.id}`, { name: 'x' }, { 'x-runmeter-token': '' });
    expect(without.status).toBe(401);
    expect(without.body.error.code).toBe('E_TOKEN');
    expect((await send('PATCH', `/api/v1/runs/${run.id}`, { name: 'x' }, { 'x-runmeter-token': `${token}x` })).status).toBe(401);
    const cookieOnly = await send('DELETE', `/api/v1/runs/${run.id}`, undefined, { 'x-runmeter-token': '', cookie: `runmeter-token=${token}` });
    expect(cookieOnly.status).toBe(401);
    expect((await store.getRun(run.id))?.name).toBe('keep');
  });

  it('refuses requests from another origin, even with the token', async () => {
    ({ store } = tempStore());
    const run = await createRun(store, { name: 'keep', status: 'succeeded' });
    const { send } = organiseApp();
    const other = await send('DELETE', `/api/v1/runs/${run.id}`, undefined, { origin: 'https://evil.example' });
    expect(other.status).toBe(403);
    expect(other.body.error).toMatchObject({ code: 'E_ORIGIN', message: expect.stringContaining('https://evil.example') });
    expect((await send('PATCH', `/api/v1/runs/${run.id}`, { name: 'x' }, { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect(await store.getRun(run.id)).toBeDefined();
  });

  it('turns every write off when read-only, and says so in the session', async () => {
    ({ store } = tempStore());
    const run = await createRun(store, { status: 'succeeded' });
    const { json, send } = organiseApp({ readOnly: true });
    expect((await json<SessionResponse>('/api/v1/session')).body).toEqual({ schemaVersion: 1, readOnly: true });
    const refused = await send('DELETE', `/api/v1/runs/${run.id}`);
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('E_READ_ONLY');
    expect(await store.getRun(run.id)).toBeDefined();
  });

  it('hands the token to pages only where it is told to (loopback)', async () => {
    ({ store } = tempStore());
    expect((await organiseApp({ handOutToken: true }).json<SessionResponse>('/api/v1/session')).body).toEqual({ schemaVersion: 1, readOnly: false, token });
    expect((await organiseApp({ handOutToken: false }).json<SessionResponse>('/api/v1/session')).body).toEqual({ schemaVersion: 1, readOnly: false });
  });
});
