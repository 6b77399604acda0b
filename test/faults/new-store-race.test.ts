import { describe, expect, it } from 'vitest';
import { runCli, tempHome } from '../helpers/cli.js';

describe('several commands opening a store that does not exist yet, at once', () => {
  it('all succeed: the schema is made once, not raced ("table meta already exists")', async () => {
    const home = tempHome();
    const results = await Promise.all(Array.from({ length: 6 }, () => runCli(['ls'], { home })));
    for (const result of results) expect(result.code, result.stderr.toString()).toBe(0);
  }, 60_000);
});
