/**
 * Edit distance between two strings (Levenshtein), for "did you mean" suggestions. With `max`, stops at max + 1:
 * only a band of 2·max + 1 cells per row is computed, so the cost is O(length · max), not O(length²).
 */
export function editDistance(a: string, b: string, max = Number.POSITIVE_INFINITY): number {
  if (a === b) return 0;
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const band = Number.isFinite(max) ? max : Math.max(a.length, b.length);
  const far = band + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => (j <= band ? j : far));
  for (let i = 1; i <= a.length; i++) {
    const current = new Array<number>(b.length + 1).fill(far);
    const from = Math.max(1, i - band);
    const to = Math.min(b.length, i + band);
    if (i <= band) current[0] = i;
    let best = current[0] as number;
    for (let j = from; j <= to; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const value = Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, (previous[j - 1] as number) + cost, far);
      current[j] = value;
      if (value < best) best = value;
    }
    // Every cell of this row is past `max`: so is the distance.
    if (best > max) return max + 1;
    previous = current;
  }
  return Math.min(previous[b.length] as number, far);
}

/** The farthest a suggestion may be from what was typed: half its length, at least 2, at most 8 edits. */
const MAX_SUGGESTION_DISTANCE = 8;

/**
 * Up to `limit` candidates closest to `target`, nearest first; those sharing a prefix with it rank first. Bounded in
 * cost whatever the target: each comparison stops past 8 edits, so a 15 KB id costs no more than a short one.
 */
export function closestMatches(target: string, candidates: Iterable<string>, limit = 3): string[] {
  const scored: Array<[string, number]> = [];
  const lower = target.toLowerCase();
  const max = Math.min(MAX_SUGGESTION_DISTANCE, Math.max(2, Math.floor(target.length / 2)));
  for (const candidate of new Set(candidates)) {
    const c = candidate.toLowerCase();
    const score = c !== '' && (c.startsWith(lower) || lower.startsWith(c)) ? 0 : editDistance(lower, c, max);
    if (score <= max) scored.push([candidate, score]);
  }
  return scored
    .sort((x, y) => x[1] - y[1] || x[0].localeCompare(y[0]))
    .slice(0, limit)
    .map(([candidate]) => candidate);
}

/** Text cut to `max` characters with an ellipsis, for echoing what a user typed back in a message. */
export function clip(text: string, max = 80): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

// C0 controls, DEL, C1 controls (U+009B is a one-character CSI), bidi overrides and isolates, line/paragraph separators.
const controlCharacters = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;
const named: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * Text as a terminal may safely show it: control characters (ESC, newlines, C1, bidi overrides) written as escapes
 * (`\x1b`, `\n`, `\u202e`), so that a name a job printed can neither drive the terminal nor break a table's lines.
 */
export function escapeControl(text: string): string {
  controlCharacters.lastIndex = 0;
  if (!controlCharacters.test(text)) return text;
  return text.replace(controlCharacters, (char) => {
    const code = char.charCodeAt(0);
    return named[char] ?? (code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`);
  });
}

// What JSON.stringify leaves raw that a terminal may still act on: DEL, C1 controls, bidi controls, line separators.
const jsonUnsafe = /[\u007f-\u009f\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;

/** A string as JSON, with every control character escaped (JSON.stringify escapes only C0), safe to print on a terminal. */
export function jsonString(text: string): string {
  const json = JSON.stringify(text);
  jsonUnsafe.lastIndex = 0;
  if (!jsonUnsafe.test(json)) return json;
  return json.replace(jsonUnsafe, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
