import type { Command } from 'commander';
import { UsageError } from '../../model/errors.js';
import { escapeControl } from '../../model/text.js';
import { recordStdio } from '../../sdk/channel/stdio-host.js';
import type { CliContext } from '../context.js';

interface RecordFlags {
  stdio?: boolean;
  store?: string;
  server?: string;
  token?: string;
}

/**
 * `runmeter record --stdio`: records one run from the channel's messages on stdin, answering on stdout. The Python
 * client starts it when its program runs outside `runmeter run` (docs/python.md); a person rarely types it.
 */
export function register(program: Command, context: CliContext): void {
  program
    .command('record')
    .description("record a run from a client's messages (the Python client starts this outside runmeter run; docs/python.md)")
    .option('--stdio', 'read the messages on stdin and answer on stdout')
    .option('--store <store>', 'store: a folder, a .db file or postgres:// URL (default: $RUNMETER_STORE or ~/.runmeter)')
    .option('--server <url>', 'record on this runmeter server instead of a store (default: $RUNMETER_SERVER unless --store is given)')
    .option('--token <token>', 'the token for --server (default: $RUNMETER_TOKEN)')
    .action(async (flags: RecordFlags) => {
      if (flags.stdio !== true) throw new UsageError('runmeter record needs --stdio: the messages come on stdin (docs/python.md)');
      // The client's program owns the terminal: Ctrl-C there must not end the recording before the client's last
      // messages (it flushes as it exits), so the run ends when stdin does.
      for (const signal of ['SIGINT', 'SIGHUP'] as const) process.on(signal, () => {});
      const warned = new Set<string>();
      await recordStdio({
        input: process.stdin,
        output: context.stdout as NodeJS.WritableStream & import('node:stream').Writable,
        ...(flags.store === undefined ? {} : { store: flags.store }),
        ...(flags.server === undefined ? {} : { server: flags.server }),
        ...(flags.token === undefined ? {} : { token: flags.token }),
        env: context.env,
        warn: (message) => {
          if (warned.size >= 50 || warned.has(message)) return;
          warned.add(message);
          context.stderr.write(`runmeter: warning: ${escapeControl(message)}\n`);
        },
      });
    });
}
