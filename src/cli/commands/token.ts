import type { Command } from 'commander';
import { RunmeterError, UsageError } from '../../model/errors.js';
import { hashApiToken, newApiToken } from '../../server/index.js';
import type { CliContext } from '../context.js';
import { formatTime, renderTable } from '../table.js';

const storeFlag = '--store <store>';
const storeHelp = 'the store the server uses (default: $RUNMETER_STORE, else $RUNMETER_HOME)';

/** Token names: what `ls` shows and `revoke` takes; no spaces, so scripts can pass them around. */
function checkName(name: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/.test(name)) {
    throw new UsageError(`a token name is 1 to 64 letters, digits, ".", "_", "@" or "-", starting with a letter or digit; got "${name}"`);
  }
  return name;
}

/** `runmeter token create|ls|revoke`: API tokens for `runmeter server`. */
export function register(program: Command, context: CliContext): void {
  const token = program.command('token').description('API tokens for runmeter server: create (printed once), ls, revoke');
  token
    .command('create')
    .description('make a token and print it once; the store keeps only its hash')
    .argument('<name>', 'who or what uses it (alice, ci, gpu-node-3)')
    .option(storeFlag, storeHelp)
    .action(async (name: string, flags: { store?: string }) => {
      const store = context.store(flags.store);
      const value = newApiToken();
      await store.addToken(checkName(name), hashApiToken(value), Date.now());
      context.stdout.write(`${value}\n`);
      context.stderr.write(`runmeter: token "${name}" created in ${store.location}; it is shown only now. Agents send it as RUNMETER_TOKEN.\n`);
    });
  token
    .command('ls')
    .description('list tokens by name (never the tokens themselves)')
    .option('--json', 'print JSON')
    .option(storeFlag, storeHelp)
    .action(async (flags: { store?: string; json?: boolean }) => {
      const tokens = await context.store(flags.store).listTokens();
      if (flags.json) {
        context.stdout.write(`${JSON.stringify({ schemaVersion: 1, tokens: tokens.map(({ name, createdAt }) => ({ name, createdAt })) }, null, 2)}\n`);
        return;
      }
      if (tokens.length === 0) {
        context.stderr.write('runmeter: no tokens yet (runmeter token create NAME)\n');
        return;
      }
      context.stdout.write(
        renderTable(
          ['NAME', 'CREATED'],
          tokens.map((t) => [t.name, formatTime(t.createdAt)]),
        ),
      );
    });
  token
    .command('revoke')
    .description('revoke a token: the server refuses it within a second')
    .argument('<name>', 'the token name')
    .option(storeFlag, storeHelp)
    .action(async (name: string, flags: { store?: string }) => {
      const store = context.store(flags.store);
      if (!(await store.revokeToken(name))) {
        const names = (await store.listTokens()).map((t) => t.name);
        throw new RunmeterError(
          'E_TOKEN_NOT_FOUND',
          `no token named "${name}" in ${store.location}${names.length > 0 ? `; there are: ${names.join(', ')}` : ''}`,
        );
      }
      context.stderr.write(`runmeter: token "${name}" revoked\n`);
    });
}
