// What the browser tests share: Debian's Chromium (or RUNMETER_E2E_CHROMIUM), `runmeter ui` on a free port, and the
// folder their screenshots go to.
import fs from 'node:fs';
import path from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { root, startCli } from '../helpers/cli.js';

export const chromiumPath = process.env.RUNMETER_E2E_CHROMIUM || '/usr/bin/chromium';
export const chromiumMissing = !fs.existsSync(chromiumPath);
/** On CI a missing browser is a broken install: the tests fail rather than skip, so they cannot silently vanish. */
export const onCi = !['', '0', 'false'].includes((process.env.CI ?? '').toLowerCase());
export const artifacts = path.join(root, 'test-artifacts');

/** Throws when the browser or the built dashboard is missing; makes the screenshots' folder. */
export function checkBrowserTests(): void {
  if (chromiumMissing) throw new Error(`no browser at ${chromiumPath}: CI (CI=${process.env.CI}) installs Debian's chromium there, so the install is broken`);
  if (!fs.existsSync(path.join(root, 'dist', 'web', 'index.html'))) throw new Error('the dashboard is not built: run npm run build first');
  fs.mkdirSync(artifacts, { recursive: true });
}

/** Starts `runmeter ui --port 0` over a home and resolves with the URL it prints, and the process. */
export async function startUi(home: string): Promise<{ url: string; ui: ReturnType<typeof startCli> }> {
  const ui = startCli(['ui', '--port', '0'], { home });
  let stderr = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`runmeter ui printed no URL: ${stderr}`)), 15_000);
    ui.child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const match = /dashboard at (http:\/\/\S+?)\/? /.exec(stderr);
      if (match) {
        clearTimeout(timer);
        resolve(match[1] as string);
      }
    });
  });
  return { url, ui };
}

/** Headless Chromium, quiet: no network of its own, no first-run work. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
