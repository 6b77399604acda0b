// The messages a program in another language (the Python client) sends runmeter, one JSON object per line.
// docs/python.md describes them; every field is checked here, so a bad one is named in the answer.
import { UsageError } from '../../model/errors.js';
import type { EndStatus } from '../options.js';
import { describe } from '../validate.js';

/** The version of the channel's messages this runmeter speaks. */
export const CHANNEL_VERSION = 1;

/** One point: name, context (null: implied by the name), time in ms, step, epoch, value. */
export type WirePoint = [string, string | null, number, number | null, number | null, number | string];

export type ChannelMessage =
  | {
      type: 'hello';
      version: number;
      pid?: number;
      name?: string;
      experiment?: string;
      params?: Record<string, unknown>;
      tags?: string[];
      /** The client program's command line and directory, recorded as the run's when it records a run of its own. */
      argv?: string[];
      cwd?: string;
    }
  | { type: 'points'; points: WirePoint[] }
  | { type: 'params'; params: Record<string, unknown> }
  | { type: 'system'; context: string; step?: number }
  | { type: 'flops'; label: string; per: 'batch' | 'epoch'; context: string; step?: number; model: string; size: number; training?: boolean }
  | { type: 'artifact'; path: string; kind: 'artifact' | 'model'; name?: string; context?: string }
  | { type: 'flush'; id: number }
  | { type: 'end'; status: EndStatus; id?: number };

/** What runmeter answers. */
export type ChannelAnswer =
  | { type: 'welcome'; run: string; name: string; attached: boolean; store: string; version: number }
  | { type: 'flushed'; id: number; error?: string }
  | { type: 'ended'; id?: number }
  | { type: 'error'; message: string };

type Fields = Record<string, unknown>;

function fail(type: string, what: string, expected: string, found: unknown): never {
  throw new UsageError(`channel message "${type}": expected ${what} to be ${expected}, got ${describe(found)}`);
}

function text(type: string, fields: Fields, name: string, optional = false): string | undefined {
  const value = fields[name];
  if (value === undefined || (optional && value === null)) {
    if (optional) return undefined;
    fail(type, name, 'a non-empty string', value);
  }
  if (typeof value !== 'string' || value === '') fail(type, name, 'a non-empty string', value);
  return value;
}

function finite(type: string, fields: Fields, name: string): number | undefined {
  const value = fields[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(type, name, 'a finite number or null', value);
  return value;
}

function positiveInteger(type: string, fields: Fields, name: string): number {
  const value = fields[name];
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) fail(type, name, 'a positive integer', value);
  return value;
}

function object(type: string, fields: Fields, name: string): Record<string, unknown> | undefined {
  const value = fields[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) fail(type, name, 'an object', value);
  return value as Record<string, unknown>;
}

/** Drops the keys whose value is undefined, so optional fields are absent rather than undefined. */
function defined<T extends object>(message: T): T {
  for (const key of Object.keys(message) as Array<keyof T>) if (message[key] === undefined) delete message[key];
  return message;
}

const END_STATUSES = new Set(['succeeded', 'failed', 'killed']);

/** Reads one line of the channel; throws a UsageError naming the message and the field that is wrong. */
export function parseMessage(line: string): ChannelMessage {
  let fields: unknown;
  try {
    fields = JSON.parse(line);
  } catch (error) {
    throw new UsageError(`channel: a line that is not JSON (${(error as Error).message}): ${line.slice(0, 80)}`);
  }
  if (typeof fields !== 'object' || fields === null || Array.isArray(fields)) throw new UsageError(`channel: expected a JSON object, got ${describe(fields)}`);
  const f = fields as Fields;
  const type = f.type;
  switch (type) {
    case 'hello': {
      const version = f.version;
      if (typeof version !== 'number' || !Number.isInteger(version)) fail(type, 'version', 'an integer', version);
      if (version > CHANNEL_VERSION) fail(type, 'version', `${CHANNEL_VERSION} or lower (this runmeter is older than the client)`, version);
      const tags = f.tags;
      if (tags !== undefined && tags !== null && (!Array.isArray(tags) || tags.some((tag) => typeof tag !== 'string' || tag === ''))) {
        fail(type, 'tags', 'an array of non-empty strings', tags);
      }
      const argv = f.argv;
      if (argv !== undefined && argv !== null && (!Array.isArray(argv) || argv.some((arg) => typeof arg !== 'string'))) {
        fail(type, 'argv', 'an array of strings', argv);
      }
      return defined({
        type,
        version,
        pid: finite(type, f, 'pid'),
        name: text(type, f, 'name', true),
        experiment: text(type, f, 'experiment', true),
        params: object(type, f, 'params'),
        tags: (tags ?? undefined) as string[] | undefined,
        argv: (argv ?? undefined) as string[] | undefined,
        cwd: text(type, f, 'cwd', true),
      });
    }
    case 'points': {
      if (!Array.isArray(f.points)) fail(type, 'points', 'an array of [name, context, time, step, epoch, value]', f.points);
      return { type, points: f.points as WirePoint[] }; // each point is checked as it is recorded, so one bad point costs only itself
    }
    case 'params': {
      const params = object(type, f, 'params');
      if (params === undefined) fail(type, 'params', 'an object', f.params);
      return { type, params };
    }
    case 'system':
      return defined({ type, context: text(type, f, 'context') as string, step: finite(type, f, 'step') });
    case 'flops': {
      const per = f.per;
      if (per !== 'batch' && per !== 'epoch') fail(type, 'per', '"batch" or "epoch"', per);
      const training = f.training;
      if (training !== undefined && training !== null && typeof training !== 'boolean') fail(type, 'training', 'true, false or null', training);
      return defined({
        type,
        label: text(type, f, 'label') as string,
        per,
        context: text(type, f, 'context') as string,
        step: finite(type, f, 'step'),
        model: text(type, f, 'model') as string,
        size: positiveInteger(type, f, per === 'batch' ? 'batch' : 'dataset'),
        training: (training ?? undefined) as boolean | undefined,
      });
    }
    case 'artifact': {
      const kind = f.kind ?? 'artifact';
      if (kind !== 'artifact' && kind !== 'model') fail(type, 'kind', '"artifact" or "model"', kind);
      return defined({ type, path: text(type, f, 'path') as string, kind, name: text(type, f, 'name', true), context: text(type, f, 'context', true) });
    }
    case 'flush':
      return { type, id: finite(type, f, 'id') ?? fail(type, 'id', 'a number', f.id) };
    case 'end': {
      const status = f.status ?? 'succeeded';
      if (typeof status !== 'string' || !END_STATUSES.has(status)) fail(type, 'status', '"succeeded", "failed" or "killed"', status);
      return defined({ type, status: status as EndStatus, id: finite(type, f, 'id') });
    }
    default:
      throw new UsageError(`channel: unknown message type ${describe(type)}; expected hello, points, params, system, flops, artifact, flush or end`);
  }
}

const NON_FINITE: Record<string, number> = { NaN: Number.NaN, Infinity: Number.POSITIVE_INFINITY, '-Infinity': Number.NEGATIVE_INFINITY };

/** A point's value: a JSON number, or "NaN", "Infinity" or "-Infinity" (JSON has no literal for them). */
export function wireValue(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  return typeof value === 'string' ? NON_FINITE[value] : undefined;
}
