import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** runmeter's version, from package.json. */
export const version: string = (require('../package.json') as { version: string }).version;
