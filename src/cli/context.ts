import fs from 'node:fs';
import { RunmeterError } from '../model/errors.js';
import type { RemoteTarget } from '../store/http/remote-client.js';
import { RemoteStore } from '../store/http/remote-store.js';
import { openStore, storeLocation } from '../store/open.js';
import type { Store } from '../store/store.js';

/** What every command gets: streams to write to, the environment, and a lazily opened store. */
export interface CliContext {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  /** Opens the store named by `--store` (or the environment's) once, creating it if needed, and closes it when the command ends. */
  store(spec?: string): Store;
  /** Set before a command that reads a team server (cli/remote.ts): `store()` without a spec reads it. */
  server?: RemoteTarget | undefined;
  /**
   * The store to read from, or undefined when there is none yet: commands that only read never create one (`ls` on
   * a fresh machine leaves no ~/.runmeter behind).
   */
  readStore(spec?: string): Store | undefined;
  /** Sets the process exit status without exiting. */
  setExitCode(code: number): void;
}

/** Where a spec's store would be, for messages: its database file or URL. */
export function storeName(spec: string | undefined, env: NodeJS.ProcessEnv): string {
  const location = storeLocation(spec, env);
  return location.kind === 'postgres' ? location.url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@') : location.dbFile;
}

/** The error for a run asked for where no store exists yet. */
export function noStoreYet(ref: string, spec: string | undefined, env: NodeJS.ProcessEnv): RunmeterError {
  return new RunmeterError('E_RUN_NOT_FOUND', `no run matches "${ref}": there are no runs yet in ${storeName(spec, env)}`);
}

/** A CliContext over the real process. */
export function processContext(): CliContext & { closeStores(): Promise<void> } {
  const stores = new Map<string, Store>();
  const context: CliContext & { closeStores(): Promise<void> } = {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    store(spec?: string) {
      const key = spec ?? '';
      let store = stores.get(key);
      if (store === undefined) {
        store = spec === undefined && context.server ? new RemoteStore(context.server) : openStore(spec, process.env);
        stores.set(key, store);
      }
      return store;
    },
    readStore(spec?: string) {
      if (spec === undefined && context.server) return context.store();
      const location = storeLocation(spec, process.env);
      if (location.kind === 'sqlite' && !stores.has(spec ?? '') && !fs.existsSync(location.dbFile)) return undefined;
      return context.store(spec);
    },
    setExitCode(code: number) {
      process.exitCode = code;
    },
    async closeStores() {
      for (const store of stores.values()) await store.close();
      stores.clear();
    },
  };
  return context;
}
