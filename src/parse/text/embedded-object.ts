// JSON objects inside a line of text: another process's `{"metric": ...}` line that landed in this one, or glued to it.

const METRIC_KEY = [0x6d, 0x65, 0x74, 0x72, 0x69, 0x63]; // metric

/** A `{"metric"` or `{'metric'` object that starts inside the line (not at its start), as [start, end), or undefined. */
export function embeddedMetricObject(buf: Buffer, start: number, end: number): [number, number] | undefined {
  for (let i = start + 1; i + 9 < end; i++) {
    if (buf[i] !== 0x7b) continue;
    const quote = buf[i + 1];
    if (quote !== 0x22 && quote !== 0x27) continue;
    let k = 0;
    while (k < METRIC_KEY.length && buf[i + 2 + k] === METRIC_KEY[k]) k++;
    if (k < METRIC_KEY.length || buf[i + 8] !== quote) continue;
    const close = objectEnd(buf, i, end);
    if (close > 0) return [i, close];
  }
  return undefined;
}

/** The end (after `}`) of the object starting at `start`, strings respected; -1 when it does not close on the line. */
export function objectEnd(buf: Buffer, start: number, end: number): number {
  let depth = 0;
  let quote = 0;
  for (let i = start; i < end; i++) {
    const b = buf[i] as number;
    if (quote !== 0) {
      if (b === 0x5c) i++;
      else if (b === quote) quote = 0;
      continue;
    }
    if (b === 0x22 || b === 0x27) quote = b;
    else if (b === 0x7b) depth++;
    else if (b === 0x7d && --depth === 0) return i + 1;
  }
  return -1;
}
