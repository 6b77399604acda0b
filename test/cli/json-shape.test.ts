import { describe, expect, it } from 'vitest';
import { schemaVersion } from '../../src/model/json-shape.js';
import { createApp } from '../../src/server/index.js';
import { openStore } from '../../src/store/open.js';
import { jobsDir, runCli, tempHome } from '../helpers/cli.js';

const node = process.execPath;

/** Every key of a JSON document, with its path; user data (params, artifact meta) is the user's and not walked. */
function keyPaths(value: unknown, at = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((item) => keyPaths(item, `${at}[]`));
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, inner]) => [`${at}.${key}`, ...(key === 'params' || key === 'meta' ? [] : keyPaths(inner, `${at}.${key}`))]);
}

const sortedKeys = (value: object) => Object.keys(value).sort();

/** The parts of a document these tests read. */
interface Document {
  schemaVersion: number;
  run: { id: string; durationMs: number; metrics: unknown; params: unknown };
  runs: object[];
  series: Array<{ name: string }>;
  output: unknown;
}

describe('one JSON shape for the CLI and the HTTP API', () => {
  it('writes a run with the same field names in show --json, ls --json and the API, camelCase, with schemaVersion', async () => {
    const home = tempHome();
    const recorded = await runCli(['run', '-q', '--name', 'shape', '--param', 'batch_size=8', '--', node, `${jobsDir}/print-and-exit.mjs`, '0'], { home });
    expect(recorded.code).toBe(0);
    const show = JSON.parse((await runCli(['show', 'last', '--json'], { home })).stdout.toString()) as Document;
    const ls = JSON.parse((await runCli(['ls', '--json'], { home })).stdout.toString()) as Document;

    const store = openStore(home, {});
    try {
      const app = createApp({ store });
      const get = async (url: string) => (await (await app.request(url)).json()) as Document;
      const apiRun = await get(`/api/v1/runs/${show.run.id}`);
      const apiRuns = await get('/api/v1/runs');
      const apiSeries = await get(`/api/v1/runs/${show.run.id}/series`);

      for (const document of [show, ls, apiRun, apiRuns, apiSeries]) expect(Object.keys(document)[0]).toBe('schemaVersion');
      expect(show.schemaVersion).toBe(schemaVersion);
      // The same things under the same names: the run, its listing, its series.
      expect(sortedKeys(show.run)).toEqual(sortedKeys(apiRun.run));
      expect(sortedKeys(ls.runs[0] ?? {})).toEqual(sortedKeys(apiRuns.runs[0] ?? {}));
      expect(sortedKeys(show.run)).toEqual(sortedKeys(ls.runs[0] ?? {}));
      expect(sortedKeys(show)).toEqual(sortedKeys({ ...apiRun, series: [] }));
      expect(show.series.map(sortedKeys)).toEqual(apiSeries.series.map(sortedKeys));
      expect(show.output).toEqual(apiRun.output);
      expect(show.run.durationMs).toBe(apiRun.run.durationMs);
      expect(show.run.metrics).toEqual(apiRun.run.metrics);
      const loss = show.series.find((s) => s.name === 'loss');
      expect(loss).toMatchObject({ last: 'NaN', min: 0.25, max: 0.25, firstStep: 1, lastStep: 2 });

      // camelCase everywhere: no snake_case key in any document (the user's own params keep their names).
      const snake = [show, ls, apiRun, apiRuns, apiSeries].flatMap((document) => keyPaths(document)).filter((key) => /_/.test(key.split('.').pop() ?? ''));
      expect(snake).toEqual([]);
      expect(show.run.params).toEqual({ batch_size: 8 });
    } finally {
      await store.close();
    }
  });

  it('run --json ends stderr with one JSON summary on a line of its own, and leaves stdout to the job', async () => {
    const home = tempHome();
    const job = 'console.log(JSON.stringify({ metric: "loss", value: 0.5, step: 3 })); process.stderr.write("no newline at the end"); process.exit(4)';
    const result = await runCli(['run', '--json', '--name', 'summary', '--', node, '-e', job], { home });
    expect(result.code).toBe(4);
    expect(result.stdout.toString()).toBe('{"metric":"loss","value":0.5,"step":3}\n');
    const lines = result.stderr.toString().trimEnd().split('\n');
    expect(lines[0]).toBe('no newline at the end');
    expect(lines).toHaveLength(2);
    const summary = JSON.parse(lines[1] as string);
    expect(summary).toMatchObject({
      schemaVersion: 1,
      name: 'summary',
      status: 'failed',
      exitCode: 4,
      stored: true,
      metrics: [{ name: 'loss', last: 0.5, step: 3, count: 1 }],
    });
    expect(summary.runId).toMatch(/^[0-9a-z]{8}$/);
    expect(summary.durationMs).toBeGreaterThan(0);
  });

  it('rm --json and gc --json say what they deleted, or would', async () => {
    const home = tempHome();
    for (const name of ['a', 'b']) await runCli(['run', '-q', '--name', name, '--', node, `${jobsDir}/print-and-exit.mjs`, '0'], { home });
    const dry = JSON.parse((await runCli(['gc', '--older-than', '0s', '--dry-run', '--json'], { home })).stdout.toString());
    expect(dry).toMatchObject({ schemaVersion: 1, dryRun: true, deleted: 0, freedBytes: 0 });
    expect(dry.runs.map((run: { name: string }) => run.name).sort()).toEqual(['a', 'b']);
    expect(dry.runs[0].points).toBeGreaterThan(0);
    expect(dry.runs[0].outputBytes).toBeGreaterThan(0);
    const removed = await runCli(['rm', 'a', '--yes', '--json'], { home });
    expect(removed.stderr.toString()).toBe('');
    const body = JSON.parse(removed.stdout.toString());
    expect(body).toMatchObject({ dryRun: false, deleted: 1, runs: [{ name: 'a' }] });
    expect(body.freedBytes).toBeGreaterThan(0);
    const none = JSON.parse((await runCli(['gc', '--older-than', '1w', '--json'], { home })).stdout.toString());
    expect(none).toEqual({ schemaVersion: 1, dryRun: false, deleted: 0, freedBytes: 0, runs: [] });
  });
});
