import type { LogResponse } from '../api.js';

/** One line of a job's output, as a terminal would have shown it. */
export interface LogLine {
  stream: 'stdout' | 'stderr';
  /** When its first byte arrived (ms). */
  time: number;
  text: string;
  /** Arrival order, to keep lines of the same millisecond in order. */
  seq: number;
  /** Where the line starts in its stream, in bytes: links name a line by it. */
  offset?: number;
}

// CSI sequences (colours, cursor moves), OSC sequences (titles, links) and the other two-byte escapes.
const ansi = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g;

/** What a terminal shows for one line: escapes removed, the last `\r` redraw kept, `\b` erasing a character. */
export function terminalText(raw: string): string {
  let text = raw.includes('\x1b') ? raw.replace(ansi, '') : raw;
  if (text.includes('\r')) {
    const redraws = text.split('\r');
    let shown = '';
    for (const redraw of redraws) shown = redraw + shown.slice(redraw.length);
    text = shown;
  }
  if (text.includes('\b')) {
    const out: string[] = [];
    for (const ch of text) {
      if (ch === '\b') out.pop();
      else out.push(ch);
    }
    text = out.join('');
  }
  return text;
}

/** Bytes a string takes in UTF-8, to map text back to the byte offsets the server's arrival times use. */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

/**
 * Splits a log read into lines with their arrival times. The text after the last newline is returned apart
 * (`partial`): the job may still be writing that line.
 *
 * Bytes can be read before their arrival time is recorded: runmeter writes the job's output to its file first and
 * records the times up to 250 ms later. A read made of such bytes alone has no times; its lines take `unknownTime`
 * (the caller's latest time), so they stay after the lines read before them. With 0 they sorted to the top of the
 * log, out of a view that follows the end.
 */
export function splitLog(response: LogResponse, nextSeq: () => number, unknownTime: number): { lines: LogLine[]; partial: string; partialOffset: number } {
  const chunks = response.chunks;
  let chunk = 0;
  let offset = response.offset;
  const timeAt = (byte: number): number => {
    while (chunk < chunks.length - 1 && (chunks[chunk] as { offset: number; length: number }).offset + (chunks[chunk]?.length ?? 0) <= byte) chunk++;
    return chunks[chunk]?.time ?? unknownTime;
  };
  const lines: LogLine[] = [];
  const text = response.text;
  let start = 0;
  for (let newline = text.indexOf('\n', start); newline !== -1; newline = text.indexOf('\n', start)) {
    const raw = text.slice(start, newline);
    lines.push({ stream: response.stream, time: timeAt(offset), text: terminalText(raw), seq: nextSeq(), offset });
    offset += utf8Length(raw) + 1;
    start = newline + 1;
  }
  return { lines, partial: text.slice(start), partialOffset: offset };
}
