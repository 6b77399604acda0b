// The least a program can do to print a point per generic metric pair as JSON Lines: readline, one regular
// expression per line, a template string per point, written to /dev/null. It knows none of the text reader's rules
// (no units, no markers but a fixed list of names, no precision checks), so it is a floor for the cost of printing
// such points, not a reader anyone should use. On parse.bench.mjs's generic log it prints as many points as
// `runmeter parse --jsonl` does. Usage: node minimal-reader.mjs FILE (prints the number of points to stderr).
import fs from 'node:fs';
import readline from 'node:readline';

/** Names that are the line's x, not a metric (the generic log's markers). */
const MARKERS = new Set(['iter', 'iteration', 'epoch', 'step', 'Train', 'eta']);
const PAIR = /([A-Za-z][\w ()/]*?):?\s+(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)/g;

const out = fs.openSync('/dev/null', 'w');
let line = 0;
let points = 0;
let pending = '';
for await (const text of readline.createInterface({ input: fs.createReadStream(process.argv[2]), crlfDelay: Number.POSITIVE_INFINITY })) {
  line++;
  for (const m of text.matchAll(PAIR)) {
    if (MARKERS.has(m[1])) continue;
    pending += `{"name":${JSON.stringify(m[1])},"value":${m[2]},"step":${line},"context":"training","line":${line},"format":"text"}\n`;
    points++;
  }
  if (pending.length > 65536) {
    fs.writeSync(out, pending);
    pending = '';
  }
}
fs.writeSync(out, pending);
process.stderr.write(`POINTS ${points}\n`);
