// The fixed pieces of the JSON `parse --jsonl` prints, made once: field names, closings, names' and contexts' text.
import { FixedBytes } from './byte-writer.js';

export const NAME = new FixedBytes('{"name":"');
export const VALUE = new FixedBytes('","value":');
export const STEP = new FixedBytes(',"step":');
export const EPOCH = new FixedBytes(',"epoch":');
export const CONTEXT = new FixedBytes(',"context":"');
export const LINE = new FixedBytes(',"line":');
export const CLOSE_RANK = new FixedBytes('","rank":');
export const CLOSE_LINE = new FixedBytes('","line":');
export const JSON_END = new FixedBytes(',"format":"json"}\n');
export const HF_END = new FixedBytes(',"format":"hf"}\n');
export const RANK = new FixedBytes(',"rank":');
export const TIMESTAMP = new FixedBytes(',"timestamp":');
export const TEXT_END = new FixedBytes(',"format":"text"}\n');

/** Fixed text as encodeMetricJson writes it. */
export type Piece = FixedBytes;

export const piece = (text: string): Piece => new FixedBytes(text);

/** A context's or unit's JSON, alone and with the `,"line":` that follows it when no rank or timestamp comes between. */
export interface Pieces {
  plain: Piece;
  line: Piece;
}

export const pieces = (text: string): Pieces => ({ plain: piece(text), line: piece(`${text},"line":`) });

/** The fixed text of a text point's name: `{"name":"loss","value":`. */
export interface TextName {
  text: string;
  head: Piece;
  /** The rank, and ExactNames' generation, at which the name was last added to the names printed exactly. */
  exactRank: number | undefined;
  exactGeneration: number;
}

/** The fixed text around a name's points: everything up to the value, and the context that follows it. */
export interface NameBytes {
  /** The name, and its bytes. */
  text: string;
  name: Buffer;
  /** `{"name":"loss","value":` */
  head: FixedBytes;
  /** `,"context":"training","line":` and `,"context":"training","rank":` */
  contextLine: FixedBytes;
  contextRank: FixedBytes;
}
