// Writes a mixed training log of about N MB to stdout as fast as the pipe takes it: JSON metric lines, Keras
// epochs with \r redraws, Hugging Face dicts, tqdm bars and plain text, in roughly the proportions of real logs.
// Usage: node mixed-log.mjs [MB] ; as a module: mixedLogChunk(seed) returns one ~1 MB chunk, formatted line by line.
import { pathToFileURL } from 'node:url';

export function mixedLogChunk(seed = 0) {
  const parts = [];
  let size = 0;
  let i = seed * 100_000;
  while (size < 1 << 20) {
    const kind = i % 20;
    let line;
    if (kind < 7) line = `INFO step ${i}: data loader fetched batch ${i % 977} from shard ${i % 13} in ${(i % 97) / 10} ms\n`;
    else if (kind < 11) line = `{"metric": "loss", "value": ${1 / (1 + (i % 1000))}, "step": ${i}}\n`;
    else if (kind < 14) {
      const redraws = [];
      for (let b = 1; b <= 8; b++)
        redraws.push(
          `\r${b * 5}/40 [${'='.repeat(b * 3)}>${'.'.repeat(24 - b * 3)}] - ETA: 0s - loss: ${(1 / b).toFixed(4)} - accuracy: ${(b / 10).toFixed(4)}`,
        );
      line = `Epoch ${1 + (i % 50)}/50\n${redraws.join('')}\r40/40 [==============================] - 1s 2ms/step - loss: 0.4097 - accuracy: 0.8715 - val_loss: 0.3312 - val_accuracy: 0.8859\n`;
    } else if (kind < 16)
      line = `{'loss': ${(1 / (1 + (i % 300))).toFixed(4)}, 'grad_norm': ${(i % 7) / 3}, 'learning_rate': 4.5e-05, 'epoch': ${(i % 400) / 100}}\n`;
    else if (kind < 18)
      line = `epoch ${i % 9}:  50%|█████     | 100/200 [00:01<00:01, 187.34it/s, acc=0.98, loss=0.00508]\repoch ${i % 9}: 100%|██████████| 200/200 [00:01<00:00, 188.92it/s, acc=0.995, loss=0.005]\n`;
    else line = `Traceback-free warning: ${'x'.repeat(i % 120)}\n`;
    parts.push(line);
    size += line.length;
    i++;
  }
  return Buffer.from(parts.join(''));
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  // Formats every line as it goes, as a real job does, and writes in 64 KB blocks, as a buffered stdout would.
  // With --prebuilt it replays 8 ready-made chunks instead: output at memcpy speed, the worst case for a wrapper.
  const megabytes = Number(process.argv[2] ?? 200);
  const prebuilt = process.argv.includes('--prebuilt') ? Array.from({ length: 8 }, (_, k) => mixedLogChunk(k)) : undefined;
  const target = megabytes * (1 << 20);
  let written = 0;
  let seed = 0;
  let chunk = Buffer.alloc(0);
  let at = 0;
  // Where it left off is kept across 'drain': a pipe's write returns false long before the pipe is full.
  const pump = () => {
    while (written < target) {
      if (at >= chunk.length) {
        chunk = prebuilt ? prebuilt[seed++ % prebuilt.length] : mixedLogChunk(seed++);
        at = 0;
      }
      const block = chunk.subarray(at, Math.min(at + 65536, at + target - written));
      at += 65536;
      written += block.length;
      if (!process.stdout.write(block)) {
        process.stdout.once('drain', pump);
        return;
      }
    }
  };
  pump();
}
