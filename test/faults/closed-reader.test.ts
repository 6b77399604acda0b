import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliPath, tempHome } from '../helpers/cli.js';

describe('runmeter run -- python3 job.py | head -1', () => {
  it('gives the job BrokenPipeError (EPIPE), 3 of 3 times', () => {
    const home = tempHome();
    const script = path.join(home, 'job.py');
    const marker = path.join(home, 'error.txt');
    fs.writeFileSync(
      script,
      [
        'import sys',
        'try:',
        '    for i in range(200000):',
        '        print("line", i, flush=True)',
        'except BaseException as e:',
        `    open(${JSON.stringify(marker)}, "a").write(type(e).__name__ + "\\n")`,
        '    sys.stderr.close()',
        '    sys.exit(1)',
      ].join('\n'),
    );
    for (let i = 0; i < 3; i++) {
      const out = execFileSync('sh', ['-c', `"${process.execPath}" "${cliPath}" run -q --no-system -- /usr/bin/python3 "${script}" | head -1`], {
        env: { ...process.env, RUNMETER_HOME: home, RUNMETER_STORE: '' },
        encoding: 'utf8',
      });
      expect(out).toBe('line 0\n');
    }
    expect(fs.readFileSync(marker, 'utf8')).toBe('BrokenPipeError\nBrokenPipeError\nBrokenPipeError\n');
  }, 90_000);
});
