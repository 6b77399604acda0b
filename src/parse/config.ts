// The project's parse configuration, `runmeter.config.json`, found in the working directory or the nearest parent
// (up to the repository's root):
//   { "parse": { "patterns": ["(?<name>\\w+) = (?<value>\\S+)", { "name": "reward", "regex": "reward (\\S+)" }],
//                "perBatch": false, "formats": ["json", "keras"] } }
// The only file I/O in src/parse/: the parsers themselves read bytes and nothing else.
import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from '../model/errors.js';
import { firstUnnamedGroup } from './formats/pattern.js';
import { type FormatName, formatNames, type MetricPattern, type ParseOptions } from './types.js';

/** The config file's name. */
export const configFileName = 'runmeter.config.json';

/** `NAME=/REGEX/flags`, or `/REGEX/flags` alone as a regex is written in JavaScript, Perl or sed. */
const literalSpec = /^(?:([A-Za-z_][\w./@-]*)=)?\/(.*)\/([a-z]*)$/s;

/** Compiles a regex, or throws a UsageError naming where it came from. */
function compile(source: string, flags: string, where: string): RegExp {
  // A pattern is matched line by line from its start: `g` and `y` would carry lastIndex from one line to the next.
  const refused = flags.replace(/[^gy]/g, '');
  if (refused !== '') throw new UsageError(`${where}: flag ${JSON.stringify(refused)} is not supported (patterns match each line whole; use i, m, s or u)`);
  try {
    return new RegExp(source, flags);
  } catch (error) {
    throw new UsageError(`${where}: ${JSON.stringify(source)} is not a valid regular expression (${(error as Error).message})`);
  }
}

/** Checks that a pattern can name its metric and find its value. */
function checkPattern(pattern: MetricPattern, where: string): MetricPattern {
  const source = pattern.regex.source;
  if (pattern.name === undefined && !source.includes('(?<name>')) {
    throw new UsageError(`${where}: /${source}/ needs a (?<name>...) group, or a fixed name as NAME=/REGEX/`);
  }
  if (!source.includes('(?<value>') && firstUnnamedGroup(source) === undefined) {
    throw new UsageError(`${where}: /${source}/ needs a (?<value>...) group, or a group without a name, for the number`);
  }
  return pattern;
}

/**
 * A `--pattern` value: a regex with `(?<name>...)` and `(?<value>...)` groups (`step` and `epoch` optional), bare or
 * as `/REGEX/flags`, or `NAME=/REGEX/flags` for a fixed name, the value being the `value` group or else the first
 * group without a name. A bare regex that starts with `/` and ends with `/` and letters is read as `/REGEX/flags`
 * (its slashes would otherwise have to be in the line, and `/.../g` matched nothing without a word): a `/` to match
 * at the start is written `\/`.
 */
export function parsePatternSpec(spec: string, where = '--pattern'): MetricPattern {
  const literal = literalSpec.exec(spec);
  if (literal === null) return checkPattern({ regex: compile(spec, '', where) }, where);
  const pattern: MetricPattern = { regex: compile(literal[2] as string, literal[3] as string, where) };
  if (literal[1] !== undefined) pattern.name = literal[1];
  return checkPattern(pattern, where);
}

/** The nearest `runmeter.config.json` from `cwd` up, stopping at a repository's root; undefined when none. */
export function findConfigFile(cwd: string): string | undefined {
  let dir = path.resolve(cwd);
  for (;;) {
    const file = path.join(dir, configFileName);
    if (fs.existsSync(file)) return file;
    const parent = path.dirname(dir);
    if (parent === dir || fs.existsSync(path.join(dir, '.git'))) return undefined;
    dir = parent;
  }
}

function readPatterns(value: unknown, where: string): MetricPattern[] {
  if (!Array.isArray(value)) throw new UsageError(`${where} must be a list of patterns, found ${JSON.stringify(value)}`);
  return value.map((item, i) => {
    const at = `${where}[${i}]`;
    if (typeof item === 'string') return parsePatternSpec(item, at);
    if (typeof item !== 'object' || item === null || typeof (item as { regex?: unknown }).regex !== 'string') {
      throw new UsageError(`${at} must be a regex string or {"regex": ..., "name"?: ..., "flags"?: ...}, found ${JSON.stringify(item)}`);
    }
    const { regex, name, flags } = item as { regex: string; name?: unknown; flags?: unknown };
    if (name !== undefined && (typeof name !== 'string' || name === '')) throw new UsageError(`${at}.name must be a non-empty string`);
    if (flags !== undefined && typeof flags !== 'string') throw new UsageError(`${at}.flags must be a string such as "i"`);
    const pattern: MetricPattern = { regex: compile(regex, flags ?? '', at) };
    if (name !== undefined) pattern.name = name;
    return checkPattern(pattern, at);
  });
}

/** Reads a list of format names (`--formats json,keras` or the config's `formats`). */
export function parseFormatList(value: unknown, where: string): FormatName[] {
  const list = typeof value === 'string' ? value.split(',').map((s) => s.trim()) : value;
  if (!Array.isArray(list)) throw new UsageError(`${where} must list formats among ${formatNames.join(', ')}, found ${JSON.stringify(value)}`);
  return list.map((name) => {
    if (!formatNames.includes(name as FormatName))
      throw new UsageError(`${where}: unknown format ${JSON.stringify(name)}; the formats are ${formatNames.join(', ')}`);
    return name as FormatName;
  });
}

/** The parse options of the project's config file (see the top of this file); empty when there is none. */
export function loadParseConfig(cwd: string): ParseOptions {
  const file = findConfigFile(cwd);
  if (file === undefined) return {};
  let config: unknown;
  try {
    config = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as Error).message}`);
  }
  const section = (config as { parse?: unknown } | null)?.parse;
  if (section === undefined) return {};
  if (typeof section !== 'object' || section === null) throw new UsageError(`${file}: "parse" must be an object`);
  const { patterns, perBatch, formats } = section as Record<string, unknown>;
  const options: ParseOptions = {};
  if (patterns !== undefined) options.patterns = readPatterns(patterns, `${file}: parse.patterns`);
  if (perBatch !== undefined) {
    if (typeof perBatch !== 'boolean') throw new UsageError(`${file}: parse.perBatch must be true or false`);
    options.perBatch = perBatch;
  }
  if (formats !== undefined) options.formats = parseFormatList(formats, `${file}: parse.formats`);
  return options;
}

/** Options from flags on top of the config's: patterns add up, the rest replaces. */
export function mergeParseOptions(config: ParseOptions, flags: ParseOptions): ParseOptions {
  const merged: ParseOptions = {};
  const patterns = [...(config.patterns ?? []), ...(flags.patterns ?? [])];
  if (patterns.length > 0) merged.patterns = patterns;
  if (config.perBatch === true || flags.perBatch === true) merged.perBatch = true;
  const formats = flags.formats ?? config.formats;
  if (formats !== undefined) merged.formats = formats;
  return merged;
}
