import { UsageError } from '../model/errors.js';
import type { Store } from '../store/store.js';
import { writeCsv } from './csv.js';
import { writeJsonl } from './jsonl.js';
import { type ProvOptions, writeProvJson } from './prov-json.js';

export { csvColumns } from './csv.js';
export { type ProvOptions, provDocument } from './prov-json.js';

/** The formats a run exports to. */
export type ExportFormat = 'csv' | 'jsonl' | 'prov-json';

/** An export format: what to call its file and how to write a run in it. */
export interface Exporter {
  /** The HTTP Content-Type of the output. */
  contentType: string;
  /** The file extension, without the dot. */
  extension: string;
  /** Writes the run with id `runId` to `out` (not ended afterwards), honouring backpressure. */
  write(store: Store, runId: string, out: NodeJS.WritableStream): Promise<void>;
}

/** Every export format by name: what `runmeter export` and the dashboard's download buttons use. */
export const exporters: Record<ExportFormat, Exporter> = {
  csv: { contentType: 'text/csv; charset=utf-8', extension: 'csv', write: writeCsv },
  jsonl: { contentType: 'application/x-ndjson; charset=utf-8', extension: 'jsonl', write: writeJsonl },
  'prov-json': { contentType: 'application/json; charset=utf-8', extension: 'prov.json', write: (store, runId, out) => writeProvJson(store, runId, out) },
};

/** The format names, for messages and flag help. */
export const exportFormats = Object.keys(exporters) as ExportFormat[];

/** True when `format` names an export format. */
export function isExportFormat(format: string): format is ExportFormat {
  return Object.hasOwn(exporters, format);
}

/**
 * Exports a run, found by id, id prefix, name or `last`, to a writable stream, which is left open.
 *
 * @example
 * await exportRun(openStore(), 'last', 'csv', fs.createWriteStream('run.csv'));
 */
export async function exportRun(store: Store, runRef: string, format: ExportFormat, out: NodeJS.WritableStream, options: ProvOptions = {}): Promise<void> {
  if (!isExportFormat(format)) throw new UsageError(`expected the format to be one of ${exportFormats.join(', ')}, got ${JSON.stringify(format)}`);
  const run = await store.resolveRun(runRef);
  if (format === 'prov-json') await writeProvJson(store, run.id, out, options);
  else await exporters[format].write(store, run.id, out);
}
