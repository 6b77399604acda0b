// Names read from bytes, as strings. A log prints the same names at the same places line after line (`loss` then
// `accuracy`), so each place keeps the name it saw last and compares bytes before hashing or decoding anything.
import { decodeName } from './json-bytes.js';

const MAX_SLOTS = 64;
const MAX_KEPT = 128;

interface Kept {
  bytes: Uint8Array;
  text: string;
}

/** The strings of ASCII names, by their place on a line. */
export class NameSlots {
  private readonly slots: Array<Kept | undefined> = [];

  /** The name `buf[start, end)` (ASCII), read at place `slot` of its line. */
  name(buf: Buffer, start: number, end: number, slot: number): string {
    const length = end - start;
    const kept = this.slots[slot];
    if (kept !== undefined && kept.bytes.length === length) {
      const bytes = kept.bytes;
      let i = 0;
      while (i < length && bytes[i] === buf[start + i]) i++;
      if (i === length) return kept.text;
    }
    const text = decodeName(buf, start, end);
    if (slot < MAX_SLOTS && length <= MAX_KEPT) this.slots[slot] = { bytes: Uint8Array.from(buf.subarray(start, end)), text };
    return text;
  }
}
