import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// The convention (docs/development.md): a fence tagged `sh run` is run line by line with bash, `runmeter` being this
// checkout's bin/runmeter, in a temp folder with its own RUNMETER_HOME; a fence tagged `LANG file=NAME` is written
// to NAME in that folder first. Each page's blocks share one folder, in order. Untagged fences are not run.
const root = path.resolve(import.meta.dirname, '../..');
const pages = [
  'README.md',
  ...fs
    .readdirSync(path.join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

interface Block {
  info: string;
  body: string;
  line: number;
}

/** The fenced blocks of a Markdown page, with their info strings and first lines. */
function blocks(markdown: string): Block[] {
  const found: Block[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S.*)?$/.exec(lines[i] as string);
    if (open === null) continue;
    const end = lines.indexOf('```', i + 1);
    found.push({ info: open[1] ?? '', body: lines.slice(i + 1, end).join('\n'), line: i + 1 });
    i = end;
  }
  return found;
}

const runnable = pages
  .map((page) => ({ page, blocks: blocks(fs.readFileSync(path.join(root, page), 'utf8')).filter((b) => / run$| file=/.test(b.info)) }))
  .filter((entry) => entry.blocks.length > 0);

describe('the code examples in the docs run', () => {
  it('finds examples to run (the README has a first run)', () => {
    expect(runnable.map((entry) => entry.page)).toContain('README.md');
  });

  for (const { page, blocks: pageBlocks } of runnable) {
    it(`runs the examples in ${page}`, () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runmeter-docs-'));
      const bin = path.join(dir, '.bin');
      fs.mkdirSync(bin);
      fs.symlinkSync(path.join(root, 'bin', 'runmeter'), path.join(bin, 'runmeter'));
      const env = { ...process.env, PATH: `${bin}:${process.env.PATH}`, RUNMETER_HOME: path.join(dir, '.runmeter'), RUNMETER_STORE: '' };
      try {
        for (const block of pageBlocks) {
          const file = / file=(\S+)/.exec(block.info)?.[1];
          if (file !== undefined) {
            fs.writeFileSync(path.join(dir, file), `${block.body}\n`);
            continue;
          }
          for (const command of block.body.split('\n').filter((l) => l.trim() !== '')) {
            const result = spawnSync('bash', ['-c', command], { cwd: dir, env, encoding: 'utf8', timeout: 60_000 });
            expect(result.status, `${page}:${block.line}: ${command}\n${result.stderr}`).toBe(0);
          }
        }
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
