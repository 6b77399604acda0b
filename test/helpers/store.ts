import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openStore } from '../../src/store/open.js';
import type { Store } from '../../src/store/store.js';

/** A fixed start time for recorded runs in tests: 2024-05-01 10:00 UTC. */
export const t0 = Date.UTC(2024, 4, 1, 10, 0, 0);

/** A real SQLite store in a fresh temp folder, and its folder. */
export function tempStore(prefix = 'runmeter-store-'): { dir: string; store: Store } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, store: openStore(dir, {}) };
}
