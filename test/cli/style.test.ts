import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { colorEnabled, paintFor } from '../../src/cli/style.js';
import { cliPath, jobsDir, runCli, tempHome } from '../helpers/cli.js';

const require = createRequire(import.meta.url);
const pty = require('@lydell/node-pty') as {
  spawn(file: string, args: string[], options: Record<string, unknown>): { onData(f: (d: string) => void): void; onExit(f: () => void): void };
};

/** What a terminal shows for `runmeter ARGS`. */
function onTerminal(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve) => {
    const clean: NodeJS.ProcessEnv = { ...process.env, RUNMETER_STORE: '', ...env };
    // The user's own colour settings must not decide the test.
    for (const key of ['NO_COLOR', 'FORCE_COLOR', 'TERM'] as const) if (env[key] === undefined) delete clean[key];
    const term = pty.spawn(process.execPath, [cliPath, ...args], { cols: 160, rows: 30, env: clean });
    let screen = '';
    term.onData((data) => {
      screen += data;
    });
    term.onExit(() => setTimeout(() => resolve(screen), 50));
  });
}

describe('colour', () => {
  const terminal = { isTTY: true } as unknown as NodeJS.WritableStream;
  const pipe = {} as NodeJS.WritableStream;

  it('is on for a terminal, off for a pipe, off with NO_COLOR or TERM=dumb, on with FORCE_COLOR', () => {
    expect(colorEnabled(terminal, {})).toBe(true);
    expect(colorEnabled(pipe, {})).toBe(false);
    expect(colorEnabled(terminal, { NO_COLOR: '1' })).toBe(false);
    expect(colorEnabled(terminal, { NO_COLOR: '' })).toBe(true);
    expect(colorEnabled(terminal, { TERM: 'dumb' })).toBe(false);
    expect(colorEnabled(pipe, { FORCE_COLOR: '1' })).toBe(true);
    expect(colorEnabled(terminal, { FORCE_COLOR: '0' })).toBe(false);
    expect(paintFor(pipe, {}).status('failed')).toBe('failed');
    expect(paintFor(pipe, { FORCE_COLOR: '1' }).status('failed')).toBe('\u001b[31mfailed\u001b[0m');
  });

  it('colours statuses in ls on a terminal, and not with NO_COLOR or into a pipe', async () => {
    const home = tempHome();
    await runCli(['run', '-q', '--', process.execPath, `${jobsDir}/print-and-exit.mjs`, '3'], { home });
    expect(await onTerminal(['ls'], { RUNMETER_HOME: home })).toContain('\u001b[31mfailed\u001b[0m');
    const plain = await onTerminal(['ls'], { RUNMETER_HOME: home, NO_COLOR: '1' });
    expect(plain).toContain('failed');
    expect(plain).not.toContain('\u001b[31m');
    expect((await runCli(['ls'], { home, env: { FORCE_COLOR: undefined, NO_COLOR: undefined } })).stdout.toString()).not.toContain('\u001b');
  });
});
