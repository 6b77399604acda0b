import type { Command } from 'commander';
import { exporters } from '../../export/index.js';
import { isErrnoError, RunmeterError, UsageError } from '../../model/errors.js';
import { isLoopback, startTeamServer, type TeamServer } from '../../server/index.js';
import { openStore } from '../../store/open.js';
import type { CliContext } from '../context.js';
import { integerOption } from '../options.js';

interface ServerFlags {
  store?: string;
  host: string;
  port: string;
  insecureNoAuth?: boolean;
  maxBodyMb: number;
  memoryMb: number;
  applies: number;
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

/** `runmeter server`: the team server (dashboard, read API, ingest API for remote agents) until Ctrl-C. */
export function register(program: Command, context: CliContext): void {
  program
    .command('server')
    .description('serve the team dashboard, the read API and the ingest API for `run --server` agents (until Ctrl-C)')
    .option('--store <store>', 'the store: postgres://USER@HOST/DB (or a folder / .db file) (default: $RUNMETER_STORE, else $RUNMETER_HOME)')
    .option('--host <host>', 'address to listen on; any other than loopback needs tokens (runmeter token create)', '127.0.0.1')
    .option('--port <port>', 'port to listen on; 0 picks a free one', '8080')
    .option('--insecure-no-auth', 'serve without tokens even where other machines can connect (anyone who reaches it can read and write)')
    .option('--max-body-mb <n>', 'the largest batch accepted, in MiB', integerOption('--max-body-mb'), 32)
    .option('--memory-mb <n>', 'MiB of batches held at once; beyond it agents are told to retry (429)', integerOption('--memory-mb'), 256)
    .option('--applies <n>', 'batches applied at once (each holds a store connection)', integerOption('--applies'), 4)
    .action(async (flags: ServerFlags) => {
      const port = Number(flags.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be a port number from 0 to 65535, got "${flags.port}"`);
      if (flags.maxBodyMb > flags.memoryMb) throw new UsageError(`--max-body-mb (${flags.maxBodyMb}) must not exceed --memory-mb (${flags.memoryMb})`);
      // A fixed pool: the applies, plus connections for dashboard reads and live updates.
      const store = openStore(flags.store, context.env, { postgres: { maxConnections: flags.applies + 4 } });
      let server: TeamServer;
      try {
        server = await startTeamServer({
          store,
          host: flags.host,
          port,
          exporters,
          insecureNoAuth: flags.insecureNoAuth ?? false,
          limits: { maxBodyBytes: flags.maxBodyMb * 1024 * 1024, memoryBytes: flags.memoryMb * 1024 * 1024, concurrentApplies: flags.applies },
        });
      } catch (error) {
        await store.close();
        if (error instanceof RunmeterError) throw error;
        const reason = isErrnoError(error, 'EADDRINUSE') ? `port ${port} is already in use (try --port 0 for a free one)` : (error as Error).message;
        throw new RunmeterError('E_SERVER_LISTEN', `cannot serve on ${flags.host}:${port}: ${reason}`, { cause: error });
      }
      const guard = flags.insecureNoAuth
        ? 'no tokens checked (--insecure-no-auth)'
        : isLoopback(flags.host)
          ? 'tokens required once one exists'
          : 'tokens required';
      context.stderr.write(`runmeter: server at ${server.url}/ (store ${store.location}; ${guard}); Ctrl-C to stop\n`);
      await untilInterrupted();
      await server.close();
      await store.close();
    });
}
