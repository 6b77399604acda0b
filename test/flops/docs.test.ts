import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// Comments in src/flops send readers to documents for the details: those documents must be there.

const root = path.resolve(import.meta.dirname, '../..');

describe('documents cited in src/flops', () => {
  it('exist', () => {
    const cited: string[] = [];
    for (const file of fs.readdirSync(path.join(root, 'src/flops'), { recursive: true, encoding: 'utf8' })) {
      if (!file.endsWith('.ts')) continue;
      const text = fs.readFileSync(path.join(root, 'src/flops', file), 'utf8');
      for (const [document] of text.matchAll(/[\w./-]+\.md\b/g)) cited.push(document);
    }
    expect(cited.length).toBeGreaterThan(0);
    expect(cited.filter((document) => !fs.existsSync(path.join(root, document)))).toEqual([]);
  });
});
