import fs from 'node:fs';
import path from 'node:path';
import type { Context } from 'hono';
import { installRoot } from '../install.js';

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** The built dashboard: dist/web under the folder runmeter is installed in (from source too: `npm run build` makes it). */
export function defaultWebRoot(): string {
  return path.join(installRoot(), 'dist', 'web');
}

// Scripts only from this server: data a job printed can never run as code, even if it reached the page as HTML.
const securityHeaders = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

const notBuilt = `<!doctype html><meta charset="utf-8"><title>runmeter</title>
<p>The dashboard is not built. Run <code>npm run build</code> in the runmeter package; the API is served under /api/v1.</p>`;

/** Whether `file` is a regular file; false for anything the file system refuses to look up (a name too long, ...). */
function isPlainFile(file: string): boolean {
  try {
    return fs.statSync(file, { throwIfNoEntry: false })?.isFile() === true;
  } catch {
    return false;
  }
}

/** Serves the built app: its files with their content types, and index.html for any other path (client-side routes). */
export function serveWeb(root: string) {
  const resolvedRoot = path.resolve(root);
  return async (c: Context): Promise<Response> => {
    let requested: string;
    try {
      requested = decodeURIComponent(new URL(c.req.url).pathname);
    } catch {
      return c.text('bad request: the path is not valid percent-encoding', 400);
    }
    if (requested.includes('\0')) return c.text('bad request: the path holds a NUL character', 400);
    const file = path.resolve(resolvedRoot, `.${path.posix.normalize(requested)}`);
    const inside = file.startsWith(resolvedRoot + path.sep);
    const isFile = inside && isPlainFile(file);
    if (isFile) {
      const type = contentTypes[path.extname(file)] ?? 'application/octet-stream';
      // Vite puts a content hash in every asset's name, so assets never change under the same URL.
      const cache = requested.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache';
      return new Response(await fs.promises.readFile(file), { headers: { 'content-type': type, 'cache-control': cache, ...securityHeaders } });
    }
    if (path.extname(requested) !== '' && requested.startsWith('/assets/')) return c.text('not found', 404);
    const index = path.join(resolvedRoot, 'index.html');
    const html = fs.existsSync(index) ? await fs.promises.readFile(index) : notBuilt;
    return new Response(html, { headers: { 'content-type': contentTypes['.html'] as string, 'cache-control': 'no-cache', ...securityHeaders } });
  };
}
