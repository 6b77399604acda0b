import { describe, expect, it } from 'vitest';
import type { RecordBatch } from '../../src/model/batch.js';
import { decodeBatch, encodeBatch } from '../../src/model/batch-codec.js';

const columns = (name: string, values: number[]) => ({
  series: { name, kind: 'training' as const, context: 'training' },
  n: values.length,
  time: Float64Array.from(values, (_, i) => 1_700_000_000_000 + i),
  step: Float64Array.from(values, (_, i) => (i % 2 === 0 ? i : Number.NaN)),
  epoch: new Float64Array(values.length).fill(Number.NaN),
  value: Float64Array.from(values),
});

describe('the batch codec', () => {
  it('gives back every field, NaN, -0 and infinities exact, and the output bytes', () => {
    const batch: RecordBatch = {
      runId: 'abc123',
      producer: 'host/42/xyz',
      seq: 7,
      run: { id: 'abc123', name: 'r', command: ['python', 'train.py'], cwd: '/w', host: 'h', user: 'u', startTime: 1, version: '0.1.0', source: 'run' },
      update: { status: 'succeeded', exitCode: 0, endTime: 9 },
      params: { lr: 0.1, layers: [64, 32] },
      tags: ['sweep'],
      series: [columns('loss', [2.5, Number.NaN, -0, Number.POSITIVE_INFINITY]), columns('acc', [0.5])],
      output: [
        { stream: 'stdout', offset: 0, length: 3, time: 5, bytes: new Uint8Array([0x61, 0x0a, 0xff]) },
        { stream: 'stderr', offset: 10, length: 4, time: 6 },
      ],
      heartbeat: 8,
    };
    const back = decodeBatch(encodeBatch(batch));
    expect(back.run).toEqual(batch.run);
    expect(back.update).toEqual(batch.update);
    expect(back.params).toEqual(batch.params);
    expect(back.tags).toEqual(['sweep']);
    expect(back.heartbeat).toBe(8);
    expect(back.series?.map((s) => s.series.name)).toEqual(['loss', 'acc']);
    const loss = back.series?.[0];
    expect([...(loss?.value ?? [])]).toEqual([2.5, Number.NaN, -0, Number.POSITIVE_INFINITY]);
    expect(Object.is(loss?.value[2], -0)).toBe(true);
    expect([...(loss?.step ?? [])]).toEqual([0, Number.NaN, 2, Number.NaN]);
    expect(back.output?.[0]?.bytes).toEqual(new Uint8Array([0x61, 0x0a, 0xff]));
    expect(back.output?.[1]).toEqual({ stream: 'stderr', offset: 10, length: 4, time: 6 });
  });

  it('decodes a batch that sits at an odd offset of a larger buffer', () => {
    const encoded = encodeBatch({ runId: 'r1', producer: 'p', seq: 1, series: [columns('x', [1, 2, 3])] });
    const shifted = new Uint8Array(encoded.length + 3);
    shifted.set(encoded, 3);
    expect([...(decodeBatch(shifted.subarray(3)).series?.[0]?.value ?? [])]).toEqual([1, 2, 3]);
  });

  it('refuses malformed bytes with a message that says what is wrong', () => {
    expect(() => decodeBatch(new Uint8Array(3))).toThrow(/too short/);
    expect(() => decodeBatch(new TextEncoder().encode('GET / HTTP/1.1\r\n'))).toThrow(/does not start with "RMB1"/);
    const good = encodeBatch({ runId: 'r1', producer: 'p', seq: 1, series: [columns('x', [1, 2])] });
    expect(() => decodeBatch(good.subarray(0, good.length - 8))).toThrow(/describes \d+ bytes/);
    const badSeq = encodeBatch({ runId: 'r1', producer: 'p', seq: 0 });
    expect(() => decodeBatch(badSeq)).toThrow(/seq 0/);
    const badRun = encodeBatch({ runId: '../etc', producer: 'p', seq: 1 });
    expect(() => decodeBatch(badRun)).toThrow(/not a run id/);
    const badMember = encodeBatch({ runId: 'r1', producer: 'p', seq: 1, output: [{ stream: 'stdout', offset: 0, length: 0, time: 1, member: '../x' }] });
    expect(() => decodeBatch(badMember)).toThrow(/output member "..\/x" is not a member key/);
    const badStatus = encodeBatch({ runId: 'r1', producer: 'p', seq: 1, member: { key: 'a.1', node: 'a', status: 'odd' as 'failed' } });
    expect(() => decodeBatch(badStatus)).toThrow(/member status "odd"/);
  });

  it("keeps a joined run's member and whose output each piece is", () => {
    const member = { key: 'gpu07.0a1b', node: 'gpu07', host: 'gpu07', command: ['train.py'], cwd: '/w', status: 'failed' as const, exitCode: 1, startTime: 5 };
    const batch: RecordBatch = {
      runId: 'r1',
      producer: 'p',
      seq: 2,
      member,
      output: [{ stream: 'stdout', offset: 0, length: 2, time: 5, bytes: new Uint8Array([0x68, 0x0a]), member: member.key }],
    };
    const back = decodeBatch(encodeBatch(batch));
    expect(back.member).toEqual(member);
    expect(back.output?.[0]).toMatchObject({ member: 'gpu07.0a1b', bytes: new Uint8Array([0x68, 0x0a]) });
  });
});
