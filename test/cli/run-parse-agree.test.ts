import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { realFixtures, runCli, showJson, tempHome } from '../helpers/cli.js';

describe('runmeter run and runmeter parse', () => {
  it('record the same points for a multi-megabyte log that arrives in many chunks', async () => {
    const home = tempHome();
    // Real logs of every kind, repeated until the output spans many pipe reads and worker read-backs.
    const names = ['keras3_verbose1.log', 'tqdm.stderr', 'hf_trainer.stdout', 'torch_json.stdout', 'lightning_tty.typescript', 'tfkeras2_verbose1.log'];
    const one = Buffer.concat(names.map((name) => fs.readFileSync(path.join(realFixtures, 'logs', name))));
    const log = path.join(home, 'big.log');
    fs.writeFileSync(log, Buffer.concat(Array.from({ length: 40 }, () => one)));

    const parsed = await runCli(['parse', log, '--jsonl', '--no-config'], { home });
    const expected = new Map<string, { count: number; last: unknown }>();
    for (const line of parsed.stdout.toString().trim().split('\n')) {
      const point = JSON.parse(line) as { name: string; value: unknown; context?: string; rank?: number };
      const key = `${point.name}|${point.context ?? ''}|${point.rank ?? ''}`;
      expected.set(key, { count: (expected.get(key)?.count ?? 0) + 1, last: point.value });
    }

    const run = await runCli(['run', '-q', '--no-system', '--no-config', '--', 'cat', log], { home });
    expect(run.stdout.equals(fs.readFileSync(log))).toBe(true);
    const recorded = new Map<string, { count: number; last: unknown }>();
    for (const s of (await showJson(home)).series) recorded.set(`${s.name}|${s.context ?? ''}|${s.rank ?? ''}`, { count: s.count as number, last: s.last });
    expect(expected.size).toBeGreaterThan(10);
    for (const [key, want] of expected) {
      const got = recorded.get(key);
      expect({ key, count: got?.count, last: Number(got?.last) }).toEqual({ key, count: want.count, last: Number(want.last) });
    }
    expect(recorded.size).toBe(expected.size);
  });
});
