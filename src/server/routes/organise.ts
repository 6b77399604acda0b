import { Hono } from 'hono';
import { RunmeterError, UsageError } from '../../model/errors.js';
import { changeTags, checkNote, checkRunName, checkTag } from '../../model/organise.js';
import type { RunUpdate } from '../../model/run.js';
import type { Store } from '../../store/store.js';
import type { RunChangeRequest, RunDeletedResponse, SessionResponse } from '../api-types.js';
import { ApiError } from '../errors.js';
import type { ChangeFeed } from '../live.js';
import { runView } from '../views.js';
import { type WriteAccess, writeGuard } from '../write-guard.js';

const changeFields = ['name', 'note', 'project', 'addTags', 'removeTags'] as const;

/** Reads and checks a change request's body, naming the field that is wrong. */
async function readChange(request: Request): Promise<RunChangeRequest> {
  if (!(request.headers.get('content-type') ?? '').includes('application/json'))
    throw new ApiError(400, 'E_USAGE', 'a change is a JSON body (Content-Type: application/json)');
  let body: unknown;
  try {
    body = await request.json();
  } catch {
    throw new ApiError(400, 'E_USAGE', 'the body is not valid JSON');
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new ApiError(400, 'E_USAGE', 'the body must be a JSON object');
  const fields = body as Record<string, unknown>;
  const unknown = Object.keys(fields).filter((key) => !(changeFields as readonly string[]).includes(key));
  if (unknown.length > 0) throw new ApiError(400, 'E_USAGE', `unknown field "${unknown[0]}"; a change may set ${changeFields.join(', ')}`);
  for (const key of ['name', 'note', 'project'] as const) {
    if (fields[key] !== undefined && typeof fields[key] !== 'string') throw new ApiError(400, 'E_USAGE', `"${key}" must be a string`);
  }
  for (const key of ['addTags', 'removeTags'] as const) {
    const list = fields[key];
    if (list !== undefined && (!Array.isArray(list) || list.some((tag) => typeof tag !== 'string')))
      throw new ApiError(400, 'E_USAGE', `"${key}" must be a list of strings`);
  }
  return fields as RunChangeRequest;
}

/** A UsageError from the checks as a 400 naming the field. */
function checked<T>(field: string, check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (error instanceof UsageError) throw new ApiError(400, 'E_USAGE', `"${field}": ${error.message}`);
    throw error;
  }
}

/** Renaming, tagging, notes and deleting, behind the write guard; and the session that tells the page whether it may. */
export function organiseRoutes(store: Store, feed: ChangeFeed, access: WriteAccess, handOutToken: boolean): Hono {
  const app = new Hono();

  app.get('/session', (c) =>
    c.json({ readOnly: access.readOnly, ...(handOutToken && !access.readOnly ? { token: access.token } : {}) } satisfies SessionResponse),
  );

  const guard = writeGuard(access);
  app.patch('/runs/:run', guard, async (c) => {
    const run = await store.resolveRun(c.req.param('run'));
    const change = await readChange(c.req.raw);
    const update: RunUpdate = {};
    if (change.name !== undefined) update.name = checked('name', () => checkRunName(change.name as string));
    if (change.note !== undefined) update.note = checked('note', () => checkNote(change.note as string));
    if (change.project !== undefined)
      update.project = change.project === '' ? '' : checked('project', () => checkRunName(change.project as string, 'the project'));
    if (change.addTags !== undefined || change.removeTags !== undefined) {
      const add = checked('addTags', () => (change.addTags ?? []).map((tag) => checkTag(tag)));
      update.tags = changeTags(run.tags, add, change.removeTags ?? []);
    }
    await store.updateRun(run.id, update);
    const [updated, series] = await Promise.all([store.resolveRun(run.id), store.listSeries(run.id)]);
    return c.json({ run: runView(updated, series) });
  });

  app.delete('/runs/:run', guard, async (c) => {
    const run = await store.resolveRun(c.req.param('run'));
    if (run.status === 'running') {
      throw new RunmeterError('E_RUN_RUNNING', `${run.id} (${run.name}) is still running; stop the job first (runmeter rm --force deletes it anyway)`);
    }
    const freedBytes = await store.deleteRuns([run.id]);
    feed.removed(run.id);
    return c.json({ deleted: run.id, freedBytes } satisfies RunDeletedResponse);
  });

  return app;
}
