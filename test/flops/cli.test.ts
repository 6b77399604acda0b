import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { realFixtures, root, runCli, tempHome } from '../helpers/cli.js';

// `runmeter flops` as users run it: the real binary over the fixture graphs (run `npx tsc -p tsconfig.json` first).

const onnx = (name: string) => path.join(realFixtures, 'onnx', `${name}.onnx`);
const mlp = path.resolve(import.meta.dirname, '../fixtures/flops/mlp/model.json');

async function flops(args: string[]) {
  const result = await runCli(['flops', ...args], { home: tempHome() });
  return { code: result.code, stdout: result.stdout.toString(), stderr: result.stderr.toString() };
}

describe('runmeter flops', () => {
  it('prints the counts as JSON with by_op, inputs, unknown_ops and warnings', async () => {
    const { code, stdout } = await flops([onnx('resnet18'), '--batch', '8', '--json']);
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report).toMatchObject({ format: 'onnx', batch: 8, macs: 14_512_586_752, inputs: { input: [8, 3, 224, 224] }, unknown_ops: [], warnings: [] });
    expect(report.flops).toBeGreaterThan(2 * report.macs);
    expect(report.params).toBe(11_680_872);
    expect(report.by_op.Conv).toMatchObject({ nodes: 20 });
  });

  it('prints a table per operator, and every node with --per-node', async () => {
    const { code, stdout } = await flops([onnx('bert_tiny'), '--input', 'input_ids=2x64', '--per-node']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/inputs {2}input_ids \[2, 64\]/);
    expect(stdout).toMatch(/MACs {4}54\.53 M/);
    expect(stdout).toMatch(/^MatMul\s+16\s+54\.53 M/m);
    expect(stdout).toMatch(/^NODE\s+OP\s+SHAPE\s+MACS\s+FLOPS\s+NOTE/m);
    expect(stdout).toMatch(/\/m\/encoder\/layer\.0\/attention\/self\/query\/MatMul\s+MatMul\s+\[2,64,128\]/);
  });

  it('counts training FLOPs and TF.js model.json files', async () => {
    const { code, stdout } = await flops([mlp, '--json', '--training', '--batch', '32']);
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report).toMatchObject({ format: 'tfjs', training: true, macs: 3 * 32 * (784 * 128 + 1280) });
    expect(Object.keys(report.by_op)).toEqual(['Dense', 'Dropout']);
  });

  it('exits 2 with a message naming the flag for a malformed --input, and 1 for a missing file', async () => {
    const malformed = await flops([onnx('bert_tiny'), '--input', 'input_ids=2x']);
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toContain('--input expects NAME=DIMS with positive integer dims, such as input_ids=8x128, got "input_ids=2x"');
    const unknown = await flops([onnx('bert_tiny'), '--input', 'ids=2x64']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('the model has no input named "ids"; its inputs are input_ids');
    const missing = await flops(['nowhere.onnx']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('runmeter: cannot read model nowhere.onnx: no such file');
  });

  it('exits 1 naming the file for a file that is not a model: JSON, a TF.js graph model, text', async () => {
    const dir = tempHome();
    const graphModel = path.join(dir, 'model.json');
    fs.writeFileSync(graphModel, JSON.stringify({ format: 'graph-model', modelTopology: { node: [] }, weightsManifest: [] }));
    for (const [file, message] of [
      ['package.json', 'runmeter: package.json is not a TF.js layers model'],
      [graphModel, `runmeter: ${graphModel} is a TF.js graph model`],
      [dir, `runmeter: ${graphModel} is a TF.js graph model`],
      ['README.md', 'runmeter: README.md is not an ONNX model'],
    ]) {
      const result = await flops([file as string]);
      expect(result.code, file).toBe(1);
      expect(result.stderr).toContain(message);
    }
  });

  it('counts the one .onnx file in a folder', async () => {
    const dir = tempHome();
    fs.copyFileSync(onnx('resnet18'), path.join(dir, 'resnet18.onnx'));
    const { code, stdout } = await flops([dir, '--json']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ batch: 1, macs: 1_814_073_344 });
  });

  it('reports the batch it counted at when --input overrides --batch, and says so; refuses an input given twice', async () => {
    const { code, stdout } = await flops([onnx('resnet18'), '--batch', '8', '--input', 'input=2x3x224x224', '--json']);
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report).toMatchObject({ batch: 2, macs: 2 * 1_814_073_344, inputs: { input: [2, 3, 224, 224] } });
    expect(report.warnings).toEqual(['--batch 8 not applied: the inputs are given with --input; counted as the inputs are, at 2']);
    const twice = await flops([onnx('resnet18'), '--input', 'input=2x3x224x224', '--input', 'input=4x3x224x224']);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain('runmeter: --input input is given twice ("input=2x3x224x224" and "input=4x3x224x224"): give each input once');
  });
});

describe('runmeter flops start-up', () => {
  it('loads the ONNX reader and counter as part of the built CLI (npm run build bundles them), and counts the same', async () => {
    const log = path.join(tempHome(), 'modules.txt');
    const hook = path.resolve(import.meta.dirname, '../fixtures/flops/log-modules.mjs');
    const result = await runCli(['flops', onnx('resnet18'), '--batch', '8', '--json'], {
      home: tempHome(),
      env: { NODE_OPTIONS: `--import ${hook}`, RUNMETER_TEST_MODULE_LOG: log },
    });
    expect(result.code, result.stderr.toString()).toBe(0);
    expect(JSON.parse(result.stdout.toString())).toMatchObject({ macs: 14_512_586_752, params: 11_680_872, warnings: [] });
    const distModules = new Set(
      fs
        .readFileSync(log, 'utf8')
        .split('\n')
        .filter((url) => url.includes('/dist/'))
        .map((url) => path.relative(path.join(root, 'dist'), new URL(url).pathname)),
    );
    // tsc alone leaves ~30 modules in dist/flops; scripts/bundle-flops.mjs makes them one, and scripts/bundle.mjs puts
    // that one in a chunk of the CLI: the command loads the CLI's entry and its chunks, no module of dist/ apart.
    const loaded = [...distModules];
    expect(loaded).toContain('cli/main.js');
    expect(loaded.filter((file) => !/^cli\/(main|shared-[A-Z0-9]+)\.js$/.test(file))).toEqual([]);
  });
});
