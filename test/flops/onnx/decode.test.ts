import onnxProto from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { countFlops, decodeOnnx } from '../../../src/flops/index.js';
import { encodeOnnx } from '../../../src/flops/onnx/encode.js';
import { modelProto } from '../../../src/flops/onnx/schema.js';
import { tensorValues } from '../../../src/flops/onnx/tensor-values.js';
import type { GraphTensor, ModelGraph } from '../../../src/flops/types.js';
import { graph, int64, node } from '../graph.js';

function rawInt64(values: number[]): Uint8Array {
  const view = new DataView(new ArrayBuffer(8 * values.length));
  values.forEach((value, index) => {
    view.setBigInt64(8 * index, BigInt(value), true);
  });
  return new Uint8Array(view.buffer);
}

describe('reading ONNX bytes', () => {
  it('round-trips a graph: nodes, attributes, symbolic dims, initializers without data', () => {
    const original = graph({
      inputs: { x: ['batch', 3, 32, 32] },
      weights: { w: [8, 3, 3, 3], shape: int64([-1, 8 * 30 * 30]) },
      nodes: [
        node('Conv', ['x', 'w'], ['c'], { strides: [1, 1], auto_pad: 'VALID' }),
        node('Reshape', ['c', 'shape'], ['y']),
        node('LeakyRelu', ['y'], ['z'], { alpha: 0.125 }),
      ],
    });
    const decoded = decodeOnnx(encodeOnnx(original));
    expect(decoded.inputs).toEqual([{ name: 'x', dataType: 1, dims: ['batch', 3, 32, 32] }]);
    expect(decoded.nodes.map((n) => [n.opType, n.inputs, n.outputs, n.attributes])).toEqual([
      ['Conv', ['x', 'w'], ['c'], { strides: [1, 1], auto_pad: 'VALID' }],
      ['Reshape', ['c', 'shape'], ['y'], {}],
      ['LeakyRelu', ['y'], ['z'], { alpha: 0.125 }],
    ]);
    expect(decoded.initializers[0]).toEqual({ name: 'w', dims: [8, 3, 3, 3], dataType: 1 });
    expect(tensorValues(decoded.initializers[1] as never)).toEqual([-1, 7200]);
    expect(countFlops(decoded, { batch: 2 }).macs).toBe(countFlops(original, { batch: 2 }).macs);
  });

  it('keeps each node’s input and output names apart from those of the nodes in its subgraphs', () => {
    const branch = (op: string) => graph({ inputs: {}, nodes: [node(op, ['a', 'b', 'c'], ['d', 'e']), node('Relu', ['d'], ['f'])] });
    const decoded = decodeOnnx(
      encodeOnnx(
        graph({
          inputs: { cond: [], a: [2] },
          nodes: [node('If', ['cond'], ['y', 'z'], { then_branch: branch('Add'), else_branch: branch('Sub') }), node('Mul', ['y', 'z', 'a'], ['w'])],
        }),
      ),
    );
    expect(decoded.nodes.map((n) => [n.opType, n.inputs, n.outputs])).toEqual([
      ['If', ['cond'], ['y', 'z']],
      ['Mul', ['y', 'z', 'a'], ['w']],
    ]);
    const thenBranch = decoded.nodes[0]?.attributes.then_branch as ModelGraph;
    expect(thenBranch.nodes.map((n) => [n.opType, n.inputs, n.outputs])).toEqual([
      ['Add', ['a', 'b', 'c'], ['d', 'e']],
      ['Relu', ['d'], ['f']],
    ]);
  });

  it('reads small int64 tensors from raw_data, and float16 from int32_data', () => {
    expect(tensorValues({ name: 'r', dims: [3], dataType: 7, encoded: { field: 'raw', bytes: rawInt64([2, -1, 9_007_199_254_740_991]) } })).toEqual([
      2, -1, 9_007_199_254_740_991,
    ]);
    // Varints of 0x3c00 (1.0 in IEEE half precision) and 0xc000 (-2.0).
    const packed = new Uint8Array([0x80, 0x78, 0x80, 0x80, 0x03]);
    expect(tensorValues({ name: 'h', dims: [2], dataType: 10, encoded: { field: 'int32', bytes: packed } })).toEqual([1, -2]);
  });

  it('never reads tensors larger than the folding limit', () => {
    expect(tensorValues({ name: 'big', dims: [100_000], dataType: 7, encoded: { field: 'raw', bytes: new Uint8Array(800_000) } })).toBeUndefined();
  });

  it('inlines local functions, filling attributes that refer to the call’s', () => {
    const message = modelProto.fromObject({
      ir_version: 8,
      opset_import: [
        { domain: '', version: 17 },
        { domain: 'custom', version: 1 },
      ],
      graph: {
        node: [
          { op_type: 'Block', domain: 'custom', name: 'block0', input: ['x', 'w'], output: ['y'], attribute: [{ name: 'activation_alpha', type: 1, f: 0.5 }] },
        ],
        input: [{ name: 'x', type: { tensor_type: { elem_type: 1, shape: { dim: [{ dim_param: 'batch' }, { dim_value: 16 }] } } } }],
        initializer: [{ name: 'w', dims: [16, 32], data_type: 1, data_location: 1 }],
      },
      functions: [
        {
          name: 'Block',
          domain: 'custom',
          input: ['a', 'b'],
          output: ['out'],
          attribute: ['activation_alpha'],
          node: [
            { op_type: 'MatMul', input: ['a', 'b'], output: ['h'] },
            { op_type: 'LeakyRelu', input: ['h'], output: ['out'], attribute: [{ name: 'alpha', type: 1, ref_attr_name: 'activation_alpha' }] },
          ],
        },
      ],
    });
    const decoded = decodeOnnx(modelProto.encode(message).finish());
    expect(decoded.nodes.map((n) => n.opType)).toEqual(['MatMul', 'LeakyRelu']);
    expect(decoded.nodes[1]?.attributes.alpha).toBe(0.5);
    expect(decoded.nodes[1]?.outputs).toEqual(['y']);
    const report = countFlops(decoded, { batch: 4 });
    expect(report.macs).toBe(4 * 16 * 32);
    expect(report.unknownOps).toEqual([]);
  });

  it('keeps large weights as views of the file: never copied, never read, counted by their dims', () => {
    const weights = new Uint8Array(4 * 1024 * 1024);
    const bytes = encodeOnnx(
      graph({
        inputs: { x: [2, 1024] },
        weights: { w: { name: '', dims: [1024, 1024], dataType: 1, encoded: { field: 'raw', bytes: weights } }, shape: int64([-1, 256, 4]) },
        nodes: [node('MatMul', ['x', 'w'], ['y']), node('Reshape', ['y', 'shape'], ['z'])],
      }),
    );
    const decoded = decodeOnnx(bytes, 'big.onnx');
    const w = decoded.initializers[0] as GraphTensor;
    expect(w.encoded?.bytes.byteLength).toBe(weights.byteLength);
    expect(w.encoded?.bytes.buffer).toBe(bytes.buffer);
    expect(tensorValues(w)).toBeUndefined();
    expect(tensorValues(decoded.initializers[1] as GraphTensor)).toEqual([-1, 256, 4]);
    const report = countFlops(decoded, { perNode: true });
    expect(report).toMatchObject({ macs: 2 * 1024 * 1024, params: 1024 * 1024, warnings: [] });
    expect(report.nodes?.[1]?.shape).toEqual([2, 256, 4]);
  });

  it('counts weights stored as external data by their dims; a shape stored outside stops inference at its node', () => {
    const original = encodeOnnx(
      graph({
        inputs: { x: [2, 1024] },
        weights: { w: [1024, 512], shape: { name: '', dims: [3], dataType: 7 } },
        nodes: [node('MatMul', ['x', 'w'], ['y']), node('Reshape', ['y', 'shape'], ['z']), node('Relu', ['z'], ['r'])],
      }),
    );
    // As torch.onnx.export writes a model over 2 GB: dims and data_type here, the bytes in model.onnx.data.
    const model = onnxProto.onnx.ModelProto.decode(original);
    for (const [index, tensor] of (model.graph?.initializer ?? []).entries()) {
      tensor.dataLocation = onnxProto.onnx.TensorProto.DataLocation.EXTERNAL;
      tensor.externalData = [
        { key: 'location', value: 'model.onnx.data' },
        { key: 'offset', value: String(4096 * index) },
        { key: 'length', value: '4096' },
      ];
    }
    const decoded = decodeOnnx(onnxProto.onnx.ModelProto.encode(model).finish(), 'external.onnx');
    expect(decoded.initializers).toEqual([
      { name: 'w', dims: [1024, 512], dataType: 1 },
      { name: 'shape', dims: [3], dataType: 7 },
    ]);
    const report = countFlops(decoded);
    expect(report).toMatchObject({ macs: 2 * 1024 * 512, params: 1024 * 512 });
    expect(report.warnings).toEqual([
      expect.stringMatching(/^Reshape node z: shape unknown \(.+\); counted as 0$/),
      '1 node downstream of unknown shapes counted as 0: the MACs and FLOPs are a lower bound',
    ]);
  });

  it('says where a truncated file ends, naming the file and the byte', () => {
    const bytes = encodeOnnx(graph({ inputs: { x: [2, 8] }, weights: { w: [8, 8] }, nodes: [node('MatMul', ['x', 'w'], ['y'])] }));
    expect(() => decodeOnnx(bytes.subarray(0, bytes.length - 5), 'cut.onnx')).toThrow(
      /^cut\.onnx is not an ONNX model, or is truncated: expected a protobuf ModelProto, at byte \d+: a field of \d+ bytes runs past the end of the input \(\d+ bytes\)$/,
    );
    // The byte named is where the cut field starts, and that field is longer than what is left.
    let message = '';
    try {
      decodeOnnx(bytes.subarray(0, 30), 'cut.onnx');
    } catch (error) {
      message = (error as Error).message;
    }
    const [, at, size] = /at byte (\d+): a field of (\d+) bytes runs past the end of the input \(30 bytes\)$/.exec(message) ?? [];
    expect(Number(at), message).toBeLessThan(30);
    expect(Number(at) + Number(size), message).toBeGreaterThan(30);
  });

  it('rejects bytes that are not an ONNX model with a message naming the file', () => {
    expect(() => decodeOnnx(new TextEncoder().encode('not a model at all'), 'notes.txt')).toThrow(/notes.txt is not an ONNX model/);
    expect(() => decodeOnnx(new Uint8Array([0x08, 0x07]), 'empty.onnx')).toThrow(/empty.onnx is not an ONNX model: expected a ModelProto with a graph/);
  });
});
