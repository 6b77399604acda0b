import { packageManifest } from './install.js';

/** runmeter's version, from package.json. */
export const version: string = packageManifest().version;
