import { afterEach, describe, expect, it } from 'vitest';
import { runCli, startCli, tempHome } from '../helpers/cli.js';

const children: Array<ReturnType<typeof startCli>> = [];
afterEach(async () => {
  for (const ui of children.splice(0)) {
    ui.child.kill('SIGINT');
    await ui.done;
  }
});

/** Starts `runmeter ui` with ARGS and resolves with the URL it prints. */
function serve(args: string[], home = tempHome()): Promise<{ url: string; ui: ReturnType<typeof startCli> }> {
  const ui = startCli(['ui', ...args], { home });
  children.push(ui);
  let stderr = '';
  return new Promise((resolve, reject) => {
    ui.child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const match = /dashboard at (http:\/\/\S+?)\/? /.exec(stderr);
      if (match) resolve({ url: match[1] as string, ui });
    });
    ui.child.on('exit', () => reject(new Error(`runmeter ui exited: ${stderr}`)));
  });
}

describe('runmeter ui', () => {
  it('prints the real URL on stderr for --port 0, serves the API, and stops cleanly on Ctrl-C', async () => {
    const { url, ui } = await serve(['--port', '0']);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:[1-9]\d*$/);
    expect(await (await fetch(`${url}/api/v1/runs`)).json()).toEqual({ schemaVersion: 1, runs: [] });
    ui.child.kill('SIGINT');
    const result = await ui.done;
    expect(result.code).toBe(0);
    expect(result.stdout.toString()).toBe('');
  });

  it('says which port is taken and how to get a free one', async () => {
    const home = tempHome();
    const { url } = await serve(['--port', '0'], home);
    const result = await runCli(['ui', '--port', new URL(url).port], { home });
    expect(result.code).toBe(1);
    expect(result.stderr.toString()).toMatch(/port \d+ is already in use \(try --port 0 for a free one\)/);
  });

  it('rejects a port that is not a number', async () => {
    const result = await runCli(['ui', '--port', 'http'], { home: tempHome() });
    expect(result.code).toBe(2);
    expect(result.stderr.toString()).toContain('--port must be a port number from 0 to 65535, got "http"');
  });
});
