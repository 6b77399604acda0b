import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { jobsDir, runCli, tempHome } from '../helpers/cli.js';

const node = process.execPath;
const hostileJob = path.join(jobsDir, 'hostile-names.mjs');

/** Control characters a terminal acts on, as they would reach it: C0 but the line ends, DEL, and C1 (U+0080..U+009F). */
function rawControls(text: string): string[] {
  return [...text.matchAll(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e]/g)].map((m) => `U+${(m[0].codePointAt(0) as number).toString(16)}`);
}

describe('terminal output holds no raw control characters from what a job printed', () => {
  it('ls, show and parse show a hostile metric name escaped, on one line', async () => {
    const home = tempHome();
    const run = await runCli(['run', '-q', '--name', 'evil\u001b[31mname', '--', node, hostileJob], { home });
    expect(run.code).toBe(0);

    const ls = (await runCli(['ls'], { home })).stdout.toString();
    const show = (await runCli(['show', 'last'], { home })).stdout.toString();
    const log = path.join(home, 'hostile.log');
    fs.writeFileSync(log, run.stdout);
    const parse = await runCli(['parse', log], { home });
    const jsonl = await runCli(['parse', log, '--jsonl'], { home });

    for (const [what, text] of Object.entries({ ls, show, parse: parse.stdout.toString(), jsonl: jsonl.stdout.toString() })) {
      expect(rawControls(text), what).toEqual([]);
    }
    expect(ls).toContain('evil\\x1b[31mname');
    const lossRow = show.split('\n').find((line) => line.includes('loss'));
    expect(lossRow).toContain('loss\\x1b]52;c;aGVsbG8=\\x07\\n\\x1b[2J\\x9b31m\\u202ex\\x7f');
    expect(lossRow).toMatch(/0\.5\s+0\.5\s+0\.5\s+1\.\.1$/);
    expect(parse.stdout.toString()).toContain('loss\\x1b]52;c;aGVsbG8=\\x07\\n');
    // JSON keeps the name exactly, escaped the JSON way.
    const first = JSON.parse(jsonl.stdout.toString().split('\n')[0] as string);
    expect(first.name).toBe('loss\u001b]52;c;aGVsbG8=\u0007\n\u001b[2J\u009b31m\u202ex\u007f');
    // The job's own output is never touched.
    expect(run.stdout.toString()).toContain('\\u001b]52');
  });

  it('escapes what an error message repeats back', async () => {
    const home = tempHome();
    await runCli(['run', '-q', '--name', 'resnet\u001b]52;c;eA==\u0007', '--', node, hostileJob], { home });
    const missing = await runCli(['show', 'resnet'], { home });
    expect(missing.code).toBe(1);
    expect(rawControls(missing.stderr.toString())).toEqual([]);
    expect(missing.stderr.toString()).toContain('resnet\\x1b]52;c;eA==\\x07');
  });
});
