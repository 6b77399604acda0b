import { afterEach, describe, expect, it } from 'vitest';
import { csvColumns, exporters, exportRun } from '../../src/export/index.js';
import type { Store } from '../../src/store/store.js';
import { recordedRun, slowSink, t0, tempStore } from './helpers.js';

const stores: Store[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
});

async function exported(format: 'csv' | 'jsonl'): Promise<{ text: string; runId: string }> {
  const { dir, store } = tempStore();
  stores.push(store);
  const runId = await recordedRun(store, dir);
  const sink = slowSink();
  await exporters[format].write(store, runId, sink.out);
  return { text: await sink.text(), runId };
}

/** Splits CSV text into rows of fields (RFC 4180 quoting), for checking what the exporter wrote. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  return rows;
}

describe('CSV export', () => {
  it('writes a header and one row per point, with labels, ISO and ms times, and NaN/Infinity as words', async () => {
    const { text, runId } = await exported('csv');
    const [header, ...rows] = parseCsv(text);
    expect(header).toEqual([...csvColumns]);
    expect(rows).toHaveLength(6);
    const loss = rows.filter((r) => r[1] === 'loss');
    expect(loss).toEqual([
      [runId, 'loss', 'training', 'training', '', '', '', '2024-05-01T10:00:01.000Z', String(t0 + 1000), '1', '0', '2.5'],
      [runId, 'loss', 'training', 'training', '', '', '', '2024-05-01T10:00:02.000Z', String(t0 + 2000), '2', '0', 'NaN'],
      [runId, 'loss', 'training', 'training', '', '', '', '2024-05-01T10:00:03.000Z', String(t0 + 3000), '3', '', 'Infinity'],
    ]);
    expect(rows.find((r) => r[1] === 'val_loss')?.[11]).toBe('-Infinity');
    expect(rows.find((r) => r[1] === 'gpu/0/utilization_percent')?.slice(2, 7)).toEqual(['gpu', '', '1', 'n1', 'cuda:0']);
    expect(rows.find((r) => r[3] === 'evaluation')?.[1]).toBe('acc, top-1 "strict"');
    expect(rows.every((r) => r[11] !== '')).toBe(true);
  });
});

describe('JSON Lines export', () => {
  it('writes one object per point, with only the labels and axes a point has, and non-finite values as strings', async () => {
    const { text, runId } = await exported('jsonl');
    const lines = text
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines).toHaveLength(6);
    expect(lines.filter((l) => l.series === 'loss')).toEqual([
      {
        run: runId,
        series: 'loss',
        kind: 'training',
        context: 'training',
        time: '2024-05-01T10:00:01.000Z',
        time_ms: t0 + 1000,
        step: 1,
        epoch: 0,
        value: 2.5,
      },
      {
        run: runId,
        series: 'loss',
        kind: 'training',
        context: 'training',
        time: '2024-05-01T10:00:02.000Z',
        time_ms: t0 + 2000,
        step: 2,
        epoch: 0,
        value: 'NaN',
      },
      { run: runId, series: 'loss', kind: 'training', context: 'training', time: '2024-05-01T10:00:03.000Z', time_ms: t0 + 3000, step: 3, value: 'Infinity' },
    ]);
    expect(lines.find((l) => l.series === 'val_loss').value).toBe('-Infinity');
    expect(lines.find((l) => l.kind === 'gpu')).toEqual({
      run: runId,
      series: 'gpu/0/utilization_percent',
      kind: 'gpu',
      rank: 1,
      node: 'n1',
      device: 'cuda:0',
      time: '2024-05-01T10:00:01.500Z',
      time_ms: t0 + 1500,
      value: 97,
    });
    expect(lines.every((l) => l.value !== null)).toBe(true);
  });
});

describe('exportRun', () => {
  it('streams a long run through a slow writer, batch by batch, losing nothing', async () => {
    const { store } = tempStore();
    stores.push(store);
    const run = await store.createRun({ name: 'long', command: [], cwd: '/', host: 'h', user: 'u', startTime: t0, version: '0', source: 'sdk' });
    const n = 20_000;
    const series = { name: 'loss', kind: 'training' as const };
    await store.appendPoints(
      run.id,
      Array.from({ length: n }, (_, i) => ({ series, time: t0 + i, step: i, value: i / 2 })),
    );
    const sink = slowSink();
    await exportRun(store, 'long', 'jsonl', sink.out);
    const lines = (await sink.text()).trimEnd().split('\n');
    expect(lines).toHaveLength(n);
    expect(JSON.parse(lines[n - 1] as string)).toMatchObject({ step: n - 1, value: (n - 1) / 2 });
  });

  it('finds the run by name, prefix or "last", and names what it could not find', async () => {
    const { dir, store } = tempStore();
    stores.push(store);
    const runId = await recordedRun(store, dir);
    for (const ref of ['mnist-cnn', runId.slice(0, 5), 'last']) {
      const sink = slowSink();
      await exportRun(store, ref, 'csv', sink.out);
      expect((await sink.text()).split('\n')).toHaveLength(8);
    }
    await expect(exportRun(store, 'mnist-cn', 'csv', slowSink().out)).rejects.toThrow(/no run matches "mnist-cn".*closest names: mnist-cnn/);
    await expect(exportRun(store, 'last', 'xml' as 'csv', slowSink().out)).rejects.toThrow('expected the format to be one of csv, jsonl, prov-json, got "xml"');
  });
});
