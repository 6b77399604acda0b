import { describe, expect, it } from 'vitest';
import { parseMessage, wireValue } from '../../../src/sdk/channel/protocol.js';

describe('the channel messages', () => {
  it('reads each kind, leaving out the optional fields that are null', () => {
    expect(parseMessage('{"type":"hello","version":1,"pid":7,"name":null,"params":{"lr":0.1}}')).toEqual({
      type: 'hello',
      version: 1,
      pid: 7,
      params: { lr: 0.1 },
    });
    expect(parseMessage('{"type":"system","context":"training","step":null}')).toEqual({ type: 'system', context: 'training' });
    expect(
      parseMessage('{"type":"flops","label":"net","per":"epoch","context":"validation","step":2,"model":"/m.onnx","dataset":600,"training":null}'),
    ).toEqual({ type: 'flops', label: 'net', per: 'epoch', context: 'validation', step: 2, model: '/m.onnx', size: 600 });
    expect(parseMessage('{"type":"end"}')).toEqual({ type: 'end', status: 'succeeded' });
    expect(parseMessage('{"type":"artifact","path":"/a.pt"}')).toEqual({ type: 'artifact', path: '/a.pt', kind: 'artifact' });
  });

  it('names the message and the field that is wrong', () => {
    const cases: Array<[string, string]> = [
      ['[1]', 'channel: expected a JSON object, got an array'],
      ['{"type":"hello","version":2}', 'channel message "hello": expected version to be 1 or lower (this runmeter is older than the client), got number 2'],
      ['{"type":"hello","version":1,"tags":["a",""]}', 'channel message "hello": expected tags to be an array of non-empty strings, got an array'],
      [
        '{"type":"flops","label":"n","per":"batch","context":"training","model":"m","batch":0}',
        'channel message "flops": expected batch to be a positive integer, got number 0',
      ],
      ['{"type":"flush"}', 'channel message "flush": expected id to be a number, got undefined'],
      ['{"type":"end","status":"done"}', 'channel message "end": expected status to be "succeeded", "failed" or "killed", got "done"'],
      ['{"type":"params","params":[1]}', 'channel message "params": expected params to be an object, got an array'],
    ];
    for (const [line, message] of cases) expect(() => parseMessage(line), line).toThrow(message);
  });

  it('reads values JSON cannot hold as strings, and nothing else', () => {
    expect(wireValue('NaN')).toBeNaN();
    expect(wireValue('-Infinity')).toBe(Number.NEGATIVE_INFINITY);
    expect(wireValue(0.5)).toBe(0.5);
    expect(wireValue('0.5')).toBeUndefined();
  });
});
