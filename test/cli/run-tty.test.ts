import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { cliPath, runCli, showJson, tempHome } from '../helpers/cli.js';

const require = createRequire(import.meta.url);
const pty = require('@lydell/node-pty') as {
  spawn(
    file: string,
    args: string[],
    options: Record<string, unknown>,
  ): { onData(f: (d: string) => void): void; onExit(f: (e: { exitCode: number }) => void): void };
};

/** Runs runmeter on a pseudo-terminal, as a user at a terminal would, and collects what the terminal shows. */
function onTerminal(args: string[], home: string): Promise<{ screen: string; exitCode: number }> {
  return new Promise((resolve) => {
    const term = pty.spawn(process.execPath, [cliPath, ...args], { cols: 100, rows: 30, env: { ...process.env, RUNMETER_HOME: home, RUNMETER_STORE: '' } });
    let screen = '';
    term.onData((data) => {
      screen += data;
    });
    term.onExit(({ exitCode }) => setTimeout(() => resolve({ screen, exitCode }), 50));
  });
}

describe('runmeter run --tty', () => {
  it('gives the job a terminal, records its output as one stream, and still finds its metrics', async () => {
    const home = tempHome();
    const job = `const t = process.stdout.isTTY && process.stderr.isTTY; console.log(JSON.stringify({ metric: "tty", value: t ? 1 : 0, step: 1 })); console.error("\\x1b[31mred\\x1b[0m"); process.exit(4)`;
    const { screen, exitCode } = await onTerminal(['run', '--tty', '--', process.execPath, '-e', job], home);
    expect(exitCode).toBe(4);
    expect(screen).toContain('{"metric":"tty","value":1,"step":1}');
    expect(screen).toContain('\x1b[31mred\x1b[0m');
    const shown = await showJson(home);
    expect(shown.series.find((s) => s.name === 'tty')).toMatchObject({ last: 1 });
    const logs = await runCli(['logs', 'last', '--stdout'], { home });
    expect(logs.stdout.toString()).toContain('red');
    expect((await runCli(['logs', 'last', '--stderr'], { home })).stdout.length).toBe(0);
  });

  it('records what a child the job left behind prints on the terminal within the output grace, and ends at the exit', async () => {
    const home = tempHome();
    // The child ignores SIGHUP, which the kernel sends the terminal's processes when the job (its session) ends.
    const { screen, exitCode } = await onTerminal(['run', '--tty', '--', 'sh', '-c', 'trap "" HUP; (sleep 0.6; echo left-behind) & echo first; exit 3'], home);
    expect(exitCode).toBe(3);
    expect(screen).toContain('first');
    expect(screen).toContain('left-behind');
    const logs = (await runCli(['logs', 'last', '--stdout'], { home })).stdout.toString();
    expect(logs).toContain('first');
    expect(logs).toContain('left-behind');
    // The run lasted as long as the job, not as long as the child it left.
    const { run } = await showJson(home);
    expect((run.endTime as number) - (run.startTime as number)).toBeLessThan(500);
  });

  it('without --tty gives the job pipes even on a terminal', async () => {
    const home = tempHome();
    const job = 'console.log(JSON.stringify({ metric: "tty", value: process.stdout.isTTY ? 1 : 0, step: 1 }))';
    await onTerminal(['run', '--', process.execPath, '-e', job], home);
    expect((await showJson(home)).series.find((s) => s.name === 'tty')).toMatchObject({ last: 0 });
  });
});
