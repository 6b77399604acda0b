import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startServer } from '../../src/server/index.js';
import type { Store } from '../../src/store/store.js';
import { tempStore, testApp } from './helpers.js';

let store: Store;
let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
  await store?.close();
});

/** A built app in miniature: index.html, a hashed asset, a stylesheet. */
function webRoot(dir: string): string {
  const root = path.join(dir, 'web');
  fs.mkdirSync(path.join(root, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>runmeter</title>');
  fs.writeFileSync(path.join(root, 'assets', 'index-abc123.js'), 'console.log(1)');
  fs.writeFileSync(path.join(root, 'assets', 'index-abc123.css'), 'body{}');
  fs.writeFileSync(path.join(dir, 'secret.txt'), 'not for the web');
  return root;
}

describe('serving the dashboard', () => {
  it('serves the built files with their content types, caching hashed assets for good', async () => {
    let dir: string;
    ({ store, dir } = tempStore());
    const { app } = testApp({ store, webRoot: webRoot(dir) });
    const js = await app.request('/assets/index-abc123.js');
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('cache-control')).toContain('immutable');
    expect(await js.text()).toBe('console.log(1)');
    expect((await app.request('/assets/index-abc123.css')).headers.get('content-type')).toBe('text/css; charset=utf-8');
    const index = await app.request('/');
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(index.headers.get('content-security-policy')).toContain("script-src 'self'");
  });

  it('answers any other page path with index.html, and a missing asset with 404', async () => {
    let dir: string;
    ({ store, dir } = tempStore());
    const { app } = testApp({ store, webRoot: webRoot(dir) });
    const page = await app.request('/runs/abc/logs');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>runmeter</title>');
    expect((await app.request('/assets/gone-123.js')).status).toBe(404);
  });

  it('never serves a file outside the app folder', async () => {
    let dir: string;
    ({ store, dir } = tempStore());
    const { app } = testApp({ store, webRoot: webRoot(dir) });
    for (const url of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt']) {
      expect(await (await app.request(url)).text()).not.toContain('not for the web');
    }
  });

  it('says how to build the dashboard when it is not built', async () => {
    let dir: string;
    ({ store, dir } = tempStore());
    const { app } = testApp({ store, webRoot: path.join(dir, 'nothing') });
    expect(await (await app.request('/')).text()).toContain('npm run build');
  });
});

describe('startServer', () => {
  it('listens on 127.0.0.1 by default, reports the real port, and refuses foreign Host names', async () => {
    ({ store } = tempStore());
    const server = await startServer({ store, port: 0 });
    close = server.close;
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.url).not.toMatch(/:0$/);
    const ok = await fetch(`${server.url}/api/v1/runs`);
    expect(await ok.json()).toEqual({ schemaVersion: 1, runs: [] });
    // fetch() will not send another Host header; a DNS-rebinding page's request would carry its own name.
    const status = await new Promise<number | undefined>((resolve, reject) => {
      http
        .get(`${server.url}/api/v1/runs`, { headers: { host: 'attacker.example:80' } }, (res) => {
          res.resume();
          resolve(res.statusCode);
        })
        .on('error', reject);
    });
    expect(status).toBe(403);
  });

  it('closes promptly even with a live stream open', async () => {
    ({ store } = tempStore());
    const server = await startServer({ store, port: 0 });
    const live = await fetch(`${server.url}/api/v1/live`);
    expect(live.status).toBe(200);
    const started = Date.now();
    await server.close();
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('rejects with the listen error when the port is taken', async () => {
    ({ store } = tempStore());
    const first = await startServer({ store, port: 0 });
    close = first.close;
    const port = Number(new URL(first.url).port);
    await expect(startServer({ store, port })).rejects.toMatchObject({ code: 'EADDRINUSE' });
  });
});
