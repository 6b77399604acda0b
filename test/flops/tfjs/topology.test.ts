import { describe, expect, it } from 'vitest';
import { countFlops } from '../../../src/flops/index.js';

// Topologies written as Keras saves them (no tfjs needed): the Keras 3 format, converter output, broken configs.

const tensor = (layer: string) => ({ class_name: '__keras_tensor__', config: { shape: [null, 8], dtype: 'float32', keras_history: [layer, 0, 0] } });

describe('Keras topologies', () => {
  it('reads a Keras 3 functional config (inbound nodes as args with keras_history)', () => {
    const topology = {
      class_name: 'Functional',
      config: {
        name: 'keras3',
        layers: [
          { class_name: 'InputLayer', name: 'features', config: { batch_shape: [null, 8], name: 'features' }, inbound_nodes: [] },
          {
            class_name: 'Dense',
            name: 'hidden',
            config: { name: 'hidden', units: 16, activation: 'relu' },
            inbound_nodes: [{ args: [tensor('features')], kwargs: {} }],
          },
          {
            class_name: 'Dense',
            name: 'out',
            config: { name: 'out', units: 1, activation: 'sigmoid' },
            inbound_nodes: [{ args: [tensor('hidden')], kwargs: {} }],
          },
        ],
        input_layers: ['features', 0, 0],
        output_layers: ['out', 0, 0],
      },
    };
    const report = countFlops(topology, { batch: 10 });
    expect(report.macs).toBe(10 * (8 * 16 + 16));
    expect(report.flops).toBe(10 * (2 * (8 * 16 + 16) + 2 * 16 + (1 + 4)));
    expect(report.inputs).toEqual({ features: [10, 8] });
  });

  it('reads tensorflowjs_converter output, where the topology sits under model_config', () => {
    const json = {
      format: 'layers-model',
      modelTopology: {
        keras_version: '2.15.0',
        backend: 'tensorflow',
        model_config: {
          class_name: 'Sequential',
          config: { layers: [{ class_name: 'Conv2D', config: { filters: 4, kernel_size: [3, 3], batch_input_shape: [null, 8, 8, 2] } }] },
        },
      },
    };
    expect(countFlops(json).macs).toBe(6 * 6 * 4 * 2 * 9);
  });

  it('counts channels_first convolutions and 1-D padding, and warns about inputs without dims', () => {
    const topology = {
      class_name: 'Sequential',
      config: {
        layers: [
          { class_name: 'Conv2D', config: { filters: 4, kernel_size: 3, padding: 'same', data_format: 'channels_first', batch_input_shape: [null, 2, 8, 8] } },
          { class_name: 'ZeroPadding2D', config: { padding: [1, 2], data_format: 'channels_first' } },
        ],
      },
    };
    const report = countFlops(topology, { perNode: true });
    expect(report.nodes?.map((n) => n.shape)).toEqual([
      [1, 4, 8, 8],
      [1, 4, 10, 12],
    ]);
    const ragged = { class_name: 'Sequential', config: { layers: [{ class_name: 'LSTM', config: { units: 4, batch_input_shape: [null, null, 3] } }] } };
    expect(countFlops(ragged).warnings[0]).toMatch(/input LSTM_input has dims without a value \(\?x\?x3\): give them with --input LSTM_input=DIMS/);
    expect(countFlops(ragged, { inputs: { LSTM_input: [2, 5, 3] } }).macs).toBe(2 * 5 * 4 * (3 + 4) * 4);
  });

  it('reports a layer whose inputs do not fit instead of throwing', () => {
    const topology = {
      class_name: 'Model',
      config: {
        layers: [
          { class_name: 'InputLayer', name: 'a', config: { batch_input_shape: [null, 4], name: 'a' }, inbound_nodes: [] },
          { class_name: 'InputLayer', name: 'b', config: { batch_input_shape: [null, 3], name: 'b' }, inbound_nodes: [] },
          {
            class_name: 'Add',
            name: 'sum',
            config: { name: 'sum' },
            inbound_nodes: [
              [
                ['a', 0, 0, {}],
                ['b', 0, 0, {}],
              ],
            ],
          },
        ],
        input_layers: [
          ['a', 0, 0],
          ['b', 0, 0],
        ],
        output_layers: [['sum', 0, 0]],
      },
    };
    const report = countFlops(topology);
    expect(report.warnings[0]).toMatch(/^Add layer sum: shapes \[1,4\] and \[1,3\] do not broadcast; counted as 0$/);
  });

  it('refuses a TF.js graph model and anything that is not a topology, saying what it reads', () => {
    expect(() => countFlops({ format: 'graph-model', modelTopology: { node: [] } })).toThrow(/TF.js graph model: runmeter counts TF.js layers models/);
    expect(() => countFlops({ hello: 'world' })).toThrow(/is not a TF.js layers model: expected a model.json with modelTopology/);
  });
});
