import { spawn } from 'node:child_process';
import type { Command } from 'commander';
import { exporters } from '../../export/index.js';
import { isErrnoError, RunmeterError, UsageError } from '../../model/errors.js';
import { escapeControl } from '../../model/text.js';
import { type RunningServer, startServer } from '../../server/index.js';
import type { CliContext } from '../context.js';

interface UiFlags {
  host: string;
  port: string;
  store?: string;
  open?: boolean;
  readOnly?: boolean;
}

/** Opens a URL in the user's browser, quietly doing nothing when there is none. */
function openBrowser(url: string): void {
  const command = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  const child = spawn(command, [url], { stdio: 'ignore', detached: true });
  child.on('error', () => {});
  child.unref();
}

/** Resolves when the process gets SIGINT or SIGTERM. */
function untilInterrupted(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/** `runmeter ui`: serve the dashboard and the HTTP API until Ctrl-C. */
export function register(program: Command, context: CliContext): void {
  program
    .command('ui')
    .description('serve the live dashboard and the HTTP API (until Ctrl-C)')
    .option('--host <host>', 'address to listen on; other machines can connect only if you choose one they reach', '127.0.0.1')
    .option('--port <port>', 'port to listen on; 0 picks a free one', '8080')
    .option('--store <store>', 'the store to show: a folder, a .db file (default: $RUNMETER_STORE, else $RUNMETER_HOME)')
    .option('--open', 'open the dashboard in the browser')
    .option('--read-only', 'no renaming, tagging, notes or deleting from the dashboard')
    .action(async (flags: UiFlags) => {
      const port = Number(flags.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be a port number from 0 to 65535, got "${flags.port}"`);
      const store = context.store(flags.store);
      let server: RunningServer;
      try {
        // The export formats are wired here, where src/cli may import src/export; src/server may not.
        server = await startServer({ store, host: flags.host, port, exporters, readOnly: flags.readOnly === true });
      } catch (error) {
        const reason = isErrnoError(error, 'EADDRINUSE') ? `port ${port} is already in use (try --port 0 for a free one)` : (error as Error).message;
        throw new RunmeterError('E_SERVER_LISTEN', `cannot serve the dashboard on ${flags.host}:${port}: ${reason}`, { cause: error });
      }
      // Off loopback the page cannot be handed the write token: it comes in the link, which only this terminal shows.
      const link = server.tokenHandedOut || flags.readOnly ? `${server.url}/` : `${server.url}/#/?token=${server.writeToken}`;
      const mode = flags.readOnly ? ', read-only' : '';
      context.stderr.write(`runmeter: dashboard at ${link} (store ${escapeControl(store.location)}${mode}); Ctrl-C to stop\n`);
      if (flags.open) openBrowser(link);
      await untilInterrupted();
      await server.close();
    });
}
