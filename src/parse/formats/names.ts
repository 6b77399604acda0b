// Names read from bytes, as strings. A log prints the same names at the same places line after line (`loss` then
// `accuracy`), so each place keeps the name it saw last and compares bytes before hashing or decoding anything.
import { decodeName } from './json-bytes.js';

const MAX_SLOTS = 64;
const MAX_KEPT = 128;

interface Kept {
  bytes: Uint8Array;
  length: number;
  text: string;
}

/** The strings of ASCII names, by their place on a line. */
export class NameSlots {
  private readonly slots: Array<Kept | undefined> = [];

  /** The name `buf[start, end)` (ASCII), read at place `slot` of its line. */
  name(buf: Buffer, start: number, end: number, slot: number): string {
    const length = end - start;
    let kept = this.slots[slot];
    if (kept !== undefined && kept.length === length) {
      const bytes = kept.bytes;
      let i = 0;
      while (i < length && bytes[i] === buf[start + i]) i++;
      if (i === length) return kept.text;
    }
    const text = decodeName(buf, start, end);
    if (slot < MAX_SLOTS && length <= MAX_KEPT) {
      if (kept === undefined) {
        kept = { bytes: new Uint8Array(MAX_KEPT), length: 0, text: '' };
        this.slots[slot] = kept;
      }
      // Copied into the place's own bytes: nothing allocated when a place's name changes line after line.
      for (let i = 0; i < length; i++) kept.bytes[i] = buf[start + i] as number;
      kept.length = length;
      kept.text = text;
    }
    return text;
  }
}
