import { describe, expect, it } from 'vitest';
import { parseVisibleDevices, selectVisible, visibleDevicesFor } from '../../src/sample/gpu/visible-devices.js';

const gpus = [
  { index: 0, uuid: 'GPU-917ba812-3a2a-b201-9184-0be9d1fe3a95' },
  { index: 1, uuid: 'GPU-11111111-2222-3333-4444-555555555555' },
  { index: 2, uuid: 'GPU-11112222-0000-0000-0000-000000000000' },
];

describe('CUDA_VISIBLE_DEVICES', () => {
  it('keeps every GPU when unset, and none when empty', () => {
    expect(selectVisible(gpus, parseVisibleDevices(undefined))).toEqual(gpus);
    expect(selectVisible(gpus, parseVisibleDevices(''))).toEqual([]);
  });

  it('selects by index and by UUID or a unique UUID prefix, in the order listed', () => {
    expect(selectVisible(gpus, parseVisibleDevices('2,0')).map((g) => g.index)).toEqual([2, 0]);
    expect(selectVisible(gpus, parseVisibleDevices('GPU-917ba812-3a2a-b201-9184-0be9d1fe3a95')).map((g) => g.index)).toEqual([0]);
    expect(selectVisible(gpus, parseVisibleDevices(' GPU-1111111 , 0')).map((g) => g.index)).toEqual([1, 0]);
  });

  it('stops at the first entry CUDA would reject, as CUDA does: -1, an unknown index, an ambiguous prefix, a MIG instance', () => {
    expect(selectVisible(gpus, parseVisibleDevices('1,-1,0')).map((g) => g.index)).toEqual([1]);
    expect(selectVisible(gpus, parseVisibleDevices('0,7,1')).map((g) => g.index)).toEqual([0]);
    expect(selectVisible(gpus, parseVisibleDevices('GPU-1111,0')).map((g) => g.index)).toEqual([]);
    expect(selectVisible(gpus, parseVisibleDevices('MIG-4cfe8a12-0000-0000-0000-000000000000'))).toEqual([]);
  });

  it('reads HIP_VISIBLE_DEVICES first for AMD GPUs', () => {
    expect(visibleDevicesFor('amd', { HIP_VISIBLE_DEVICES: '1', CUDA_VISIBLE_DEVICES: '0' })).toEqual([{ index: 1 }]);
    expect(visibleDevicesFor('nvidia', { HIP_VISIBLE_DEVICES: '1', CUDA_VISIBLE_DEVICES: '0' })).toEqual([{ index: 0 }]);
  });
});
