// Checks for what users give runs when they organise them (names, tags, notes), shared by the CLI and the API.
import { UsageError } from './errors.js';

const MAX_NAME = 200;
const MAX_TAG = 64;
/** A note is for a few paragraphs, not a log: 64 KiB of text. */
export const MAX_NOTE = 64 * 1024;
const control = /[\u0000-\u001f\u007f]/;

/** A run name as given, trimmed; a UsageError naming `where` when it is empty, too long or holds control characters. */
export function checkRunName(name: string, where = 'the name'): string {
  const trimmed = name.trim();
  if (trimmed === '') throw new UsageError(`${where} must not be empty`);
  if (trimmed.length > MAX_NAME) throw new UsageError(`${where} must be at most ${MAX_NAME} characters, got ${trimmed.length}`);
  if (control.test(trimmed)) throw new UsageError(`${where} must not contain control characters (tabs, newlines, escapes): ${JSON.stringify(trimmed)}`);
  return trimmed;
}

/** A tag as given; a UsageError when it is empty, too long, or holds spaces, commas or control characters. */
export function checkTag(tag: string, where = 'a tag'): string {
  if (tag === '') throw new UsageError(`${where} must not be empty`);
  if (tag.length > MAX_TAG) throw new UsageError(`${where} must be at most ${MAX_TAG} characters, got ${tag.length}: "${tag.slice(0, 20)}…"`);
  if (/[\s,]/.test(tag) || control.test(tag)) throw new UsageError(`${where} must be one word without spaces or commas, got ${JSON.stringify(tag)}`);
  return tag;
}

/** A note as given; a UsageError when it is longer than MAX_NOTE bytes. */
export function checkNote(note: string): string {
  const bytes = new TextEncoder().encode(note).byteLength;
  if (bytes > MAX_NOTE) throw new UsageError(`a note must be at most ${MAX_NOTE / 1024} KiB, got ${Math.ceil(bytes / 1024)} KiB`);
  return note;
}

/** Tags after adding some and removing others: order kept, each once, removals applied last. */
export function changeTags(tags: readonly string[], add: readonly string[], remove: readonly string[]): string[] {
  const removed = new Set(remove);
  const out: string[] = [];
  for (const tag of [...tags, ...add]) if (!removed.has(tag) && !out.includes(tag)) out.push(tag);
  return out;
}
