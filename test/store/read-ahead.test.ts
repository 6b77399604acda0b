import { describe, expect, it } from 'vitest';
import { OutputReadAhead } from '../../src/store/read-ahead.js';

describe('OutputReadAhead', () => {
  it('serves piece-by-piece reads from one window, and fetches again past its end and after forget', async () => {
    let stream = Buffer.from('a'.repeat(100));
    const fetched: Array<[number, number]> = [];
    const fetch = async (offset: number, length: number) => {
      fetched.push([offset, length]);
      return stream.subarray(offset, offset + length);
    };
    const reader = new OutputReadAhead(64);
    const pieces = [];
    for (let offset = 0; offset < 60; offset += 10) pieces.push(Buffer.from(await reader.read('r\nstdout', offset, 10, fetch)).toString());
    expect(pieces.join('')).toBe('a'.repeat(60));
    expect(fetched).toEqual([[0, 64]]);
    // Bytes written after the window was read are found: a read past its end goes to the store.
    stream = Buffer.concat([stream, Buffer.from('tail')]);
    expect(Buffer.from(await reader.read('r\nstdout', 100, 4, fetch)).toString()).toBe('tail');
    // Another stream, a read as big as the window, and a forgotten window all go to the store.
    await reader.read('r\nstderr', 0, 5, fetch);
    await reader.read('r\nstderr', 30, 70, fetch);
    reader.forget();
    await reader.read('r\nstderr', 1, 2, fetch);
    expect(fetched).toEqual([
      [0, 64],
      [100, 64],
      [0, 64],
      [30, 70],
      [1, 64],
    ]);
  });
});
