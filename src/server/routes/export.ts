import { PassThrough, Readable } from 'node:stream';
import { Hono } from 'hono';
import type { Store } from '../../store/store.js';
import { ApiError } from '../errors.js';
import type { Exporter } from '../types.js';

/** A file name safe in a Content-Disposition header: the run's name and id, ASCII only. */
function downloadName(name: string, id: string, extension: string): string {
  const safe = name
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80);
  return `${safe === '' ? 'run' : safe}-${id}.${extension}`;
}

/** A run as a file download, in any format an exporter was given for. */
export function exportRoutes(store: Store, exporters: Record<string, Exporter>): Hono {
  const app = new Hono();

  app.get('/runs/:run/export', async (c) => {
    const format = c.req.query('format') ?? '';
    const exporter = Object.hasOwn(exporters, format) ? exporters[format] : undefined;
    if (exporter === undefined) {
      const known = Object.keys(exporters);
      const offered = known.length > 0 ? `this server exports ${known.join(', ')}` : 'this server was started without exporters';
      throw new ApiError(404, 'E_EXPORT_FORMAT', `no exporter for format "${format}": ${offered}`);
    }
    const run = await store.resolveRun(c.req.param('run'));
    const out = new PassThrough();
    exporter.write(store, run.id, out).then(
      () => out.end(),
      (error: unknown) => out.destroy(error instanceof Error ? error : new Error(String(error))),
    );
    return new Response(Readable.toWeb(out) as ReadableStream, {
      headers: {
        'content-type': exporter.contentType,
        'content-disposition': `attachment; filename="${downloadName(run.name, run.id, exporter.extension)}"`,
      },
    });
  });

  return app;
}
