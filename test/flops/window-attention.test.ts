import { describe, expect, it } from 'vitest';
import { countFlops } from '../../src/flops/index.js';
import type { ModelGraph } from '../../src/flops/types.js';
import { graph, int64, node } from './graph.js';

// Swin-style shifted-window attention as torch.onnx.export writes it (torchvision's shifted_window_attention): the Pad
// amounts come from Shape → Gather → Mod/Sub → Unsqueeze → Concat → Cast, then torch's F.pad lowering (Reshape to
// pairs, reversed Slice, Transpose, Reshape, Cast); the padded map is cut into windows by a Reshape whose target is
// computed from the padded Shape with Div. Expected counts are written by hand from the layer shapes.

const window = 7;
const channels = 32;
const heads = 2;
const headDim = channels / heads;

function windowAttention(): ModelGraph {
  const k = (name: string, values: number[], dims?: number[]) => [name, int64(values, dims)] as const;
  return graph({
    inputs: { x: ['batch', 'height', 'width', channels] },
    weights: {
      ...Object.fromEntries([
        k('i1', [1], []),
        k('i2', [2], []),
        k('i0', [0], []),
        k('i3', [3], []),
        k('ws', [window], []),
        k('zeros2', [0, 0]),
        k('zero1', [0]),
        k('ax0', [0]),
        k('pairs', [-1, 2]),
        k('flat', [-1]),
        k('revStart', [-1]),
        k('revEnd', [-(2 ** 53)]),
        k('revStep', [-1]),
        k('wsv', [window]),
        k('cv', [channels]),
        k('nv', [window * window]),
        k('qkvShape', [0, 0, 3, heads, headDim]),
        k('minusOne', [-1]),
      ]),
      wqkv: [channels, 3 * channels],
      wproj: [channels, channels],
    },
    nodes: [
      // pad_r = (ws - W % ws) % ws, pad_b = (ws - H % ws) % ws
      node('Shape', ['x'], ['xs']),
      node('Gather', ['xs', 'i1'], ['h']),
      node('Gather', ['xs', 'i2'], ['w']),
      node('Mod', ['w', 'ws'], ['wm']),
      node('Sub', ['ws', 'wm'], ['wr']),
      node('Mod', ['wr', 'ws'], ['padR']),
      node('Mod', ['h', 'ws'], ['hm']),
      node('Sub', ['ws', 'hm'], ['hr']),
      node('Mod', ['hr', 'ws'], ['padB']),
      node('Unsqueeze', ['padR', 'ax0'], ['padR1']),
      node('Unsqueeze', ['padB', 'ax0'], ['padB1']),
      // F.pad(x, (0, 0, 0, pad_r, 0, pad_b)) → torch's lowering of the pads list to ONNX's order
      node('Concat', ['zeros2', 'zero1', 'padR1', 'zero1', 'padB1'], ['torchPads'], { axis: 0 }),
      node('Cast', ['torchPads'], ['torchPads64'], { to: 7 }),
      node('Concat', ['torchPads64', 'zeros2'], ['allPads'], { axis: 0 }),
      node('Reshape', ['allPads', 'pairs'], ['padPairs']),
      node('Slice', ['padPairs', 'revStart', 'revEnd', 'ax0', 'revStep'], ['reversed']),
      node('Transpose', ['reversed'], ['byEdge'], { perm: [1, 0] }),
      node('Reshape', ['byEdge', 'flat'], ['onnxPads']),
      node('Cast', ['onnxPads'], ['pads'], { to: 7 }),
      node('Pad', ['x', 'pads'], ['padded']),
      // windows: [B, pH/ws, ws, pW/ws, ws, C] → [B·nW, ws·ws, C]
      node('Shape', ['padded'], ['ps']),
      node('Gather', ['ps', 'i0'], ['b']),
      node('Gather', ['ps', 'i1'], ['ph']),
      node('Gather', ['ps', 'i2'], ['pw']),
      node('Div', ['ph', 'ws'], ['nh']),
      node('Div', ['pw', 'ws'], ['nw']),
      node('Unsqueeze', ['b', 'ax0'], ['b1']),
      node('Unsqueeze', ['nh', 'ax0'], ['nh1']),
      node('Unsqueeze', ['nw', 'ax0'], ['nw1']),
      node('Concat', ['b1', 'nh1', 'wsv', 'nw1', 'wsv', 'cv'], ['gridShape'], { axis: 0 }),
      node('Reshape', ['padded', 'gridShape'], ['grid']),
      node('Transpose', ['grid'], ['gridT'], { perm: [0, 1, 3, 2, 4, 5] }),
      node('Concat', ['minusOne', 'nv', 'cv'], ['windowsShape'], { axis: 0 }),
      node('Reshape', ['gridT', 'windowsShape'], ['windows']),
      // attention inside each window
      node('MatMul', ['windows', 'wqkv'], ['qkv']),
      node('Reshape', ['qkv', 'qkvShape'], ['qkv5']),
      node('Transpose', ['qkv5'], ['qkvT'], { perm: [2, 0, 3, 1, 4] }),
      node('Gather', ['qkvT', 'i0'], ['q']),
      node('Gather', ['qkvT', 'i1'], ['kk']),
      node('Gather', ['qkvT', 'i2'], ['v']),
      node('Transpose', ['kk'], ['kT'], { perm: [0, 1, 3, 2] }),
      node('MatMul', ['q', 'kT'], ['scores']),
      node('Softmax', ['scores'], ['probs'], { axis: -1 }),
      node('MatMul', ['probs', 'v'], ['context']),
      node('Transpose', ['context'], ['contextT'], { perm: [0, 2, 1, 3] }),
      node('Concat', ['minusOne', 'nv', 'cv'], ['mergedShape'], { axis: 0 }),
      node('Reshape', ['contextT', 'mergedShape'], ['merged']),
      node('MatMul', ['merged', 'wproj'], ['out']),
    ],
  });
}

/** MACs of the windows' attention, by hand: QKV projection, Q·Kᵀ, P·V and the output projection. */
function expectedMacs(batch: number, height: number, width: number): number {
  const windows = batch * Math.ceil(height / window) * Math.ceil(width / window);
  const tokens = window * window;
  const qkv = windows * tokens * channels * 3 * channels;
  const scores = windows * heads * tokens * tokens * headDim;
  const projection = windows * tokens * channels * channels;
  return qkv + 2 * scores + projection;
}

describe('Swin-style window attention', () => {
  it.each([
    [2, 10, 10],
    [1, 14, 14],
    [3, 8, 20],
  ])('counts exactly at batch %i on a %i x %i map, padding computed from the input shape', (batch, height, width) => {
    const report = countFlops(windowAttention(), { inputs: { x: [batch, height, width, channels] }, perNode: true });
    expect(report.warnings).toEqual([]);
    expect(report.macs).toBe(expectedMacs(batch, height, width));
    const padded = report.nodes?.find((n) => n.name === 'padded');
    expect(padded?.shape).toEqual([batch, Math.ceil(height / window) * window, Math.ceil(width / window) * window, channels]);
    expect(padded?.note).toBeUndefined();
  });
});
