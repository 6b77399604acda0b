import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open.js';
import type { Store } from '../../src/store/store.js';
import { runCli, showJson, tempHome } from '../helpers/cli.js';
import { testApp } from '../server/helpers.js';

let store: Store | undefined;
afterEach(async () => store?.close());

/** Every file under `dir`, read as bytes and joined, to look for a secret anywhere the store keeps things. */
function allBytes(dir: string): string {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => fs.readFileSync(path.join(entry.parentPath, entry.name)).toString('latin1'))
    .join('\n');
}

describe('secrets on a job command line', () => {
  it('are stored as *** and so never reach show, the API, exports or the store files', async () => {
    const home = tempHome();
    const job = [process.execPath, '-e', 'console.log(JSON.stringify({loss: 0.5}))', '--', '--api-key', 'sk-SECRET1', '--db=postgres://bob:SECRET2@h/x'];
    const run = await runCli(['run', '-q', '--param', 'hf_token=SECRET3', '--', ...job], { home });
    expect(run.code, run.stderr.toString()).toBe(0);

    const shown = await showJson(home);
    expect(shown.run.command).toEqual([...job.slice(0, 4), '--api-key', '***', '--db=postgres://bob:***@h/x']);
    expect(shown.run.params).toEqual({ hf_token: '***' });
    const show = (await runCli(['show', 'last'], { home })).stdout.toString();
    const exported = (await runCli(['export', 'last', '--format', 'prov-json'], { home })).stdout.toString();
    for (const text of [show, exported, JSON.stringify(shown), allBytes(home)]) expect(text).not.toMatch(/SECRET[123]/);

    store = openStore(undefined, { ...process.env, RUNMETER_HOME: home, RUNMETER_STORE: '' });
    const { json } = testApp({ store });
    const api = await json<{ run: { command: string[] } }>(`/api/v1/runs/${shown.run.id}`);
    expect(api.body.run.command).toEqual(shown.run.command);
  });
});
