import { describe, expect, it } from 'vitest';
import { defaultRunName } from '../../src/agent/metadata.js';

describe('the default run name', () => {
  it.each([
    [['python', 'train.py', '--lr', '0.1'], 'train.py'],
    [['python3.11', '-u', 'src/train.py'], 'train.py'],
    [['python', '-m', 'torch.distributed.run', 'x.py'], 'torch.distributed.run'],
    [['torchrun', '--nproc_per_node', '8', 'pretrain.py'], 'pretrain.py'],
    [['node', 'scripts/demo-train.mjs'], 'demo-train.mjs'],
    [['uv', 'run', 'finetune.py'], 'finetune.py'],
    [['python', '-c', 'print(1)'], 'python'],
    [['./train.sh'], 'train.sh'],
    [['/usr/bin/make', 'train'], 'make'],
  ])('of %j is %s', (command, name) => {
    expect(defaultRunName(command)).toBe(name);
  });
});
