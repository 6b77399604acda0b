// The package's entry: `import { startRun, Context } from 'runmeter'`.

export { type ExportFormat, exporters, exportRun } from './export/index.js';
export * from './sdk/index.js';
export { openStore } from './store/open.js';
export type { Store } from './store/store.js';
