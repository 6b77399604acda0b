// A job that writes prebuilt 64 KB blocks of text as fast as its stdout takes them, MB megabytes in all, then writes
// its own time from start to exit (ms) to the file OUT: the bench compares it under runmeter and piped to `cat`.
// With DELAY (ms), it waits that long first and times the writing only: a job that floods once runmeter is up.
import fs from 'node:fs';

const megabytes = Number(process.argv[2] ?? 200);
const out = process.argv[3];
const delayMs = Number(process.argv[4] ?? 0);
if (delayMs > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, delayMs);
const line = `${'x'.repeat(99)}\n`;
const block = Buffer.from(line.repeat(Math.floor(65536 / line.length)));
const start = process.hrtime.bigint();
let left = Math.ceil((megabytes * 1024 * 1024) / block.length);
while (left > 0) {
  try {
    left -= 1;
    let done = 0;
    while (done < block.length) done += fs.writeSync(1, block, done);
  } catch (error) {
    if (error.code !== 'EAGAIN') throw error;
    left += 1;
  }
}
if (out) fs.writeFileSync(out, String(Number(process.hrtime.bigint() - start) / 1e6));
