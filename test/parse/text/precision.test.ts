// Precision of the generic reader (issue 13): it adds no series to the team's real logs, and a plain-text corpus of
// compiler output, pip logs, Python tracebacks and dmesg-like lines gives no points at all.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatNames } from '../../../src/parse/types.js';
import { realFixtures } from '../../helpers/cli.js';
import { fixtureLog, parse } from '../helpers.js';

const withoutGeneric = formatNames.filter((f) => f !== 'text' && f !== 'table');

/** Plain-text lines with numbers in them, none of them metrics; `i` varies the numbers. */
const plainLines: Array<(i: number) => string> = [
  (i) => `src/model/layer_${i % 97}.cc:${i % 900}:${i % 80}: warning: unused variable 'tmp${i}' [-Wunused-variable]`,
  (i) => `  ${i % 500} | int x${i} = ${i % 7};`,
  (i) => `[${i % 40}/${200}] Building CXX object CMakeFiles/torch_cpu.dir/aten/src/ATen/native/Op${i}.cpp.o`,
  (i) => `gcc -O2 -fPIC -I/usr/include/python3.${i % 13} -c src/ext${i}.c -o build/temp.linux-x86_64-3.${i % 13}/ext${i}.o`,
  (i) => `Collecting numpy==1.${i % 27}.${i % 5}`,
  (i) => `  Downloading numpy-1.${i % 27}.${i % 5}-cp312-cp312-manylinux_2_17_x86_64.whl (18.${i % 10} MB)`,
  (i) => `     ━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━ 18.${i % 10}/18.${i % 10} MB ${i % 90}.2 MB/s eta 0:00:00`,
  (i) => `Successfully installed numpy-1.${i % 27}.${i % 5} torch-2.${i % 4}.0 tqdm-4.66.${i % 9}`,
  (i) => `Requirement already satisfied: filelock>=3.${i % 20} in /usr/lib/python3/dist-packages (from torch==2.${i % 4}.0) (3.13.1)`,
  () => 'Traceback (most recent call last):',
  (i) => `  File "/opt/venv/lib/python3.12/site-packages/torch/nn/modules/module.py", line ${1500 + (i % 300)}, in _call_impl`,
  (i) => `    return forward_call(*args, **kwargs)  # line ${i % 60}`,
  (i) => `RuntimeError: CUDA out of memory. Tried to allocate ${i % 40}.00 MiB (GPU 0; 79.${i % 10} GiB total capacity)`,
  (i) => `ValueError: expected sequence of length ${i % 128} at dim 1 (got ${(i % 128) + 1})`,
  (i) => `[${(i * 0.731).toFixed(6)}] usb 1-${i % 8}: new high-speed USB device number ${i % 30} using xhci_hcd`,
  (i) => `[${(i * 0.731).toFixed(6)}] EXT4-fs (nvme0n1p${i % 4}): mounted filesystem with ordered data mode. Quota mode: none.`,
  (i) => `[${(i * 0.731).toFixed(6)}] NVRM: loading NVIDIA UNIX x86_64 Kernel Module  535.${i % 200}.02`,
  (i) =>
    `2026-11-23 14:05:${String(i % 60).padStart(2, '0')},${String(i % 1000).padStart(3, '0')} - INFO - loading shard ${String(i % 512).padStart(5, '0')} of 00512`,
  (i) => `Saving model checkpoint to ./out/checkpoint-${i * 500}`,
  (i) => `torch ${2 + (i % 2)}.${i % 5}.0, cuda 12.${i % 4}, cudnn 8.${i % 10}.2`,
];

describe('the generic reader keeps precision', () => {
  it('adds no series to any of the real fixture logs', () => {
    for (const name of fs.readdirSync(path.join(realFixtures, 'logs'))) {
      const log = fixtureLog(name);
      const series = (formats?: typeof withoutGeneric) =>
        [...new Set(parse(log, formats === undefined ? {} : { formats }).metrics.map((m) => `${m.name}/${m.context ?? ''}`))].sort();
      expect(series(), name).toEqual(series(withoutGeneric));
    }
  });

  it('gives no points from 10 MB of compiler output, pip logs, tracebacks and dmesg-like lines', () => {
    const lines: string[] = [];
    let size = 0;
    for (let i = 0; size < 10 * 1024 * 1024; i++) {
      const line = (plainLines[i % plainLines.length] as (i: number) => string)(i);
      lines.push(line);
      size += line.length + 1;
    }
    const { metrics } = parse(`${lines.join('\n')}\n`);
    expect(metrics.slice(0, 5)).toEqual([]);
    expect(metrics.length).toBe(0);
  });
});
