import type { Command } from 'commander';
import { UsageError } from '../../model/errors.js';
import { changeTags, checkTag } from '../../model/organise.js';
import type { Run } from '../../model/run.js';
import { schemaOf } from '../../model/run-query/index.js';
import type { CliContext } from '../context.js';
import { filterFlag, loadRuns } from '../run-records.js';
import { settleLostRuns } from '../run-view.js';

interface TagFlags {
  remove?: boolean;
  filter?: string;
  store?: string;
}

/** `runmeter tag RUN TAG...`: adds tags (or removes them with --remove); with --filter, to every run it matches. */
export function register(program: Command, context: CliContext): void {
  program
    .command('tag')
    .description('add tags to a run (or remove them with --remove); with no tags, print its tags')
    .argument('[run-and-tags...]', 'RUN TAG... (an id, id prefix, name or "last", then tags); with --filter, only TAG...')
    .option('-r, --remove', 'remove these tags instead')
    .option('--filter <expr>', 'tag every run this filter matches instead of one RUN (see runmeter ls --filter)')
    .option('--store <store>', 'store to change (default: $RUNMETER_STORE or ~/.runmeter)')
    .action(async (args: string[], flags: TagFlags) => {
      const store = context.store(flags.store);
      await settleLostRuns(store);
      let runs: Run[];
      let tags: string[];
      if (flags.filter !== undefined) {
        const loaded = await loadRuns(store, {});
        runs = loaded.filter(filterFlag('--filter', flags.filter, schemaOf(loaded))).map((r) => r.run);
        tags = args;
        if (tags.length === 0) throw new UsageError('runmeter tag --filter EXPR needs the tags to add or remove');
      } else {
        const [ref, ...rest] = args;
        if (ref === undefined) throw new UsageError('runmeter tag needs a run (an id, id prefix, name or "last"), then the tags');
        runs = [await store.resolveRun(ref)];
        tags = rest;
      }
      if (tags.length === 0) {
        for (const tag of (runs[0] as Run).tags) context.stdout.write(`${tag}\n`);
        return;
      }
      for (const [i, tag] of tags.entries()) checkTag(tag, `tag ${i + 1} ("${tag}")`);
      for (const run of runs) {
        const next = flags.remove ? changeTags(run.tags, [], tags) : changeTags(run.tags, tags, []);
        await store.updateRun(run.id, { tags: next });
        context.stderr.write(`${run.id} (${run.name}): ${next.length === 0 ? 'no tags' : next.join(', ')}\n`);
      }
      if (runs.length === 0) context.stderr.write(`no runs match --filter ${JSON.stringify(flags.filter)}; nothing tagged\n`);
    });
}
