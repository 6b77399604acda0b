// The flags `parse`, `import` (and `run`) share for choosing how output is parsed, on top of runmeter.config.json.
import type { Command } from 'commander';
import { loadParseConfig, mergeParseOptions, parseFormatList, parsePatternSpec } from '../parse/config.js';
import type { ParseOptions } from '../parse/types.js';
import { collect } from './options.js';

export interface ParseFlags {
  pattern?: string[];
  perBatch?: boolean;
  formats?: string;
  config: boolean;
}

/** Adds --pattern, --per-batch, --formats and --no-config to a command. */
export function addParseFlags(command: Command): Command {
  return command
    .option(
      '--pattern <regex>',
      'your own metric pattern: a regex with (?<name>...) and (?<value>...) groups, bare or as /REGEX/flags, or NAME=/REGEX/flags (repeatable)',
      collect,
    )
    .option('--per-batch', 'also record per-batch running averages (Keras progress, every tqdm redraw)')
    .option('--formats <list>', 'only these formats, comma-separated: json,keras,hf,tqdm,lightning,xgboost,lightgbm')
    .option('--no-config', 'ignore runmeter.config.json');
}

/** The parse options the flags ask for, over the project config's (found from `cwd`). */
export function parseOptionsFromFlags(flags: ParseFlags, cwd: string): ParseOptions {
  const fromFlags: ParseOptions = {};
  if (flags.pattern !== undefined) fromFlags.patterns = flags.pattern.map((spec) => parsePatternSpec(spec, `--pattern ${JSON.stringify(spec)}`));
  if (flags.perBatch === true) fromFlags.perBatch = true;
  if (flags.formats !== undefined) fromFlags.formats = parseFormatList(flags.formats, '--formats');
  return mergeParseOptions(flags.config ? loadParseConfig(cwd) : {}, fromFlags);
}
