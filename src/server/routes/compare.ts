import { Hono } from 'hono';
import { comparisonJson } from '../../model/run-query/compare.js';
import { compareStoredRuns } from '../../model/run-query/compare-stored.js';
import type { Store } from '../../store/store.js';
import type { CompareResponse } from '../api-types.js';
import { ApiError } from '../errors.js';

/** The most runs one comparison reads: enough for a sweep, few enough that the page stays readable and fast. */
export const MAX_COMPARED_RUNS = 50;

/** GET /compare?runs=a,b,c: what sets the runs apart and how they finished; refs that name no run come back in `missing`. */
export function compareRoutes(store: Store): Hono {
  const app = new Hono();
  app.get('/compare', async (c) => {
    const raw = c.req.query('runs') ?? '';
    const refs = [...new Set(raw.split(',').map((ref) => ref.trim()))].filter((ref) => ref !== '');
    if (refs.length === 0) throw new ApiError(400, 'E_USAGE', 'query parameter "runs" must list run ids, prefixes or names separated by commas, got none');
    if (refs.length > MAX_COMPARED_RUNS) {
      throw new ApiError(400, 'E_USAGE', `query parameter "runs" may name at most ${MAX_COMPARED_RUNS} runs, got ${refs.length}`);
    }
    const { comparison, missing } = await compareStoredRuns(store, refs);
    const response: CompareResponse = comparisonJson(
      comparison,
      missing.map((m) => m.ref),
    );
    return c.json(response);
  });
  return app;
}
