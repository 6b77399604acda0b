// ANSI escape sequences, read byte by byte and across chunks: CSI (colours, cursor moves, erasing), strings (OSC,
// DCS...: a title, a hyperlink) and charset selections are removed; some CSI sequences act on the line.

const LF = 0x0a;
const ESC = 0x1b;

// States.
const NONE = 0;
const AFTER_ESC = 1;
const CSI = 2;
const STRING = 3; // OSC, DCS, ...: until BEL or ST
const STRING_ESC = 4;
const CHARSET = 5;

/** What a finished sequence asks of the line drawn so far. */
export const NO_EFFECT = 0;
/** A cursor move to another line: the line drawn so far ends. */
export const LINE_END = 1;
/** Erasing the line, or going to its start: a redraw starts. */
export const REDRAW = 2;

const isDigit = (b: number) => b >= 0x30 && b <= 0x39;

/** The escape sequence being read, if any. */
export class EscapeReader {
  private state = NONE;
  private csiParam = 0;
  private csiFirst = true;
  /** What the sequence that `consume` last finished asks. */
  effect = NO_EFFECT;

  /** A sequence is being read. */
  get active(): boolean {
    return this.state !== NONE;
  }

  /** An ESC byte was seen. */
  start(): void {
    this.state = AFTER_ESC;
  }

  reset(): void {
    this.state = NONE;
  }

  /** Consumes escape sequence bytes; returns where normal text resumes (a newline always ends a sequence). */
  consume(chunk: Buffer, from: number, n: number): number {
    this.effect = NO_EFFECT;
    let i = from;
    while (i < n) {
      const b = chunk[i] as number;
      if (b === LF) {
        this.state = NONE;
        return i;
      }
      switch (this.state) {
        case AFTER_ESC:
          if (b === 0x5b) {
            this.state = CSI;
            this.csiParam = 0;
            this.csiFirst = true;
          } else if (b === 0x5d || b === 0x50 || b === 0x58 || b === 0x5e || b === 0x5f) this.state = STRING;
          else if (b >= 0x28 && b <= 0x2b) this.state = CHARSET;
          else {
            this.state = NONE;
            return i + 1;
          }
          break;
        case CSI:
          if (isDigit(b)) {
            if (this.csiFirst && this.csiParam < 10_000) this.csiParam = this.csiParam * 10 + (b - 0x30);
          } else if (b === 0x3b) this.csiFirst = false;
          else if (b >= 0x40 && b <= 0x7e) {
            this.state = NONE;
            this.effect = this.csiEffect(b);
            return i + 1;
          } else if (b < 0x20 || b > 0x7e) {
            // Not a well-formed sequence: drop it and read this byte as text.
            this.state = NONE;
            return i;
          }
          break;
        case STRING:
          if (b === 0x07) {
            this.state = NONE;
            return i + 1;
          }
          if (b === ESC) this.state = STRING_ESC;
          break;
        case STRING_ESC:
          // ESC \ ends the string; any other ESC starts a new sequence.
          this.state = AFTER_ESC;
          continue;
        default:
          this.state = NONE;
          return i + 1;
      }
      i++;
    }
    return n;
  }

  /** The final byte of a CSI sequence: cursor moves to another line end the line; erasing a line, or going to its start, starts a redraw. */
  private csiEffect(final: number): number {
    const letter = String.fromCharCode(final);
    if ('ABEFHfd'.includes(letter)) return LINE_END;
    if ((letter === 'K' && (this.csiParam === 1 || this.csiParam === 2)) || (letter === 'G' && this.csiParam <= 1)) return REDRAW;
    return NO_EFFECT;
  }
}
