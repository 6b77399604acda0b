import type { RemoteTarget } from '../store/http/remote-client.js';
import { RemoteStore } from '../store/http/remote-store.js';
import { openStore } from '../store/open.js';
import type { Store } from '../store/store.js';

/** What every command gets: streams to write to, the environment, and a lazily opened store. */
export interface CliContext {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  /** Opens the store named by `--store` (or the environment's) once, and closes it when the command ends. */
  store(spec?: string): Store;
  /** Set before a command that reads a team server (cli/remote.ts): `store()` without a spec reads it. */
  server?: RemoteTarget | undefined;
  /** Sets the process exit status without exiting. */
  setExitCode(code: number): void;
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
