import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// runmeter reads ONNX with its own decoder over protobufjs. onnx-proto is only the baseline bench/flops.bench.mjs measures
// that decoder against, so users must not install it with runmeter.

const root = path.resolve(import.meta.dirname, '../..');
const read = (file: string) => fs.readFileSync(path.join(root, file), 'utf8');

describe('the packages the ONNX reader needs', () => {
  it('are runtime dependencies only when src imports them: onnx-proto is a devDependency, for the bench', () => {
    const manifest = JSON.parse(read('package.json')) as Record<string, Record<string, string> | undefined>;
    const sources = fs
      .readdirSync(path.join(root, 'src'), { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.ts'))
      .map((file) => read(path.join('src', file)));
    const importedBySrc = (name: string) => sources.some((text) => text.includes(`'${name}'`) || text.includes(`'${name}/`));
    expect(importedBySrc('protobufjs')).toBe(true);
    expect(manifest.dependencies).toHaveProperty('protobufjs');
    expect(importedBySrc('onnx-proto')).toBe(false);
    expect(manifest.dependencies).not.toHaveProperty('onnx-proto');
    expect(read('bench/flops.bench.mjs')).toContain("import('onnx-proto')");
    expect(manifest.devDependencies).toHaveProperty('onnx-proto');
  });
});
