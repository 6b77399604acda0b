import { describe, expect, it } from 'vitest';
import type { ChartLine } from '../../web/src/charts/chart-line.js';
import { type ChartSpec, matches, sectionName, sections, withMerged } from '../../web/src/charts/chart-sections.js';
import { SeriesBuffer } from '../../web/src/charts/series-buffer.js';
import { formatTicks } from '../../web/src/format.js';
import { decodeList, decodePair, encodeList, encodePair } from '../../web/src/url-lists.js';

const line = (runId: string, label: string, color = 'red'): ChartLine => ({ id: `${runId}:${label}`, runId, seriesId: 1, label, color, startTime: 0 });
const spec = (title: string, lines: ChartLine[] = [line('r', title)], unit = ''): ChartSpec => ({ key: `training:${title}`, title, unit, lines });

describe('chart sections', () => {
  it('groups charts by the prefix two or more share, after the loose ones, in order', () => {
    const specs = ['loss', 'grad_norm/layer_00', 'val/acc', 'grad_norm/layer_01', 'lr', 'system/ram'].map((t) => spec(t));
    const result = sections(specs).map((s) => [s.name, s.specs.map((x) => x.title)]);
    expect(result).toEqual([
      [undefined, ['loss', 'val/acc', 'lr', 'system/ram']],
      ['grad_norm', ['grad_norm/layer_00', 'grad_norm/layer_01']],
    ]);
    expect(sectionName('/abs')).toBeUndefined();
    expect(sectionName('a/b/c')).toBe('a');
  });

  it('matches the filter against titles and line labels', () => {
    const loss = spec('loss', [line('r', 'loss'), line('r', 'loss (validation)')]);
    expect(matches(loss, 'valid')).toBe(true);
    expect(matches(loss, 'acc')).toBe(false);
    expect(matches(loss, '')).toBe(true);
  });

  it('draws another chart’s lines with colours of their own on a one-run chart, dashed in the run’s colour on Compare', () => {
    const one = withMerged(spec('loss', [line('r', 'loss', 'c0')]), [spec('val_loss', [line('r', 'val_loss', 'c0')])], (i) => `c${i}`);
    expect(one.lines.map((l) => [l.label, l.color, l.dashed ?? false])).toEqual([
      ['loss', 'c0', false],
      ['val_loss', 'c1', false],
    ]);
    const two = withMerged(
      spec('loss', [line('a', 'run a', 'red'), line('b', 'run b', 'blue')]),
      [spec('acc', [line('a', 'run a', 'red'), line('b', 'run b', 'blue')])],
      (i) => `c${i}`,
    );
    expect(two.lines.map((l) => [l.label, l.color, l.dashed ?? false])).toEqual([
      ['loss · run a', 'red', false],
      ['loss · run b', 'blue', false],
      ['acc · run a', 'red', true],
      ['acc · run b', 'blue', true],
    ]);
  });
});

describe('view settings in the URL', () => {
  it('round-trips lists of pairs whose parts hold commas, tildes and percent signs', () => {
    const items = [encodePair('training:loss', 'loss (validation)'), encodePair('a~b,c', '50% ~ done'), encodePair('%7E', '%2C')];
    const text = encodeList(items);
    expect(text.split(',')).toHaveLength(3);
    expect(decodeList(text).map(decodePair)).toEqual([
      ['training:loss', 'loss (validation)'],
      ['a~b,c', '50% ~ done'],
      ['%7E', '%2C'],
    ]);
    expect(new URLSearchParams(`hide=${encodeURIComponent(text)}`).get('hide')).toBe(text);
  });
});

describe('hover values', () => {
  it('reads a line only where it has points', () => {
    const buffer = new SeriesBuffer('step', 0);
    buffer.setData({
      seriesId: 1,
      x: 'step',
      resolution: 'raw',
      total: 21,
      xs: Array.from({ length: 21 }, (_, i) => i),
      min: [],
      max: [],
      last: [],
      count: [],
      seriesCount: 21,
    });
    expect(buffer.indexAt(10.2)).toBe(10);
    expect(buffer.indexAt(20.4)).toBe(20);
    expect(buffer.indexAt(45)).toBe(-1);
    expect(buffer.indexAt(-3)).toBe(-1);
  });
});

describe('byte axis ticks', () => {
  it('stays in a prefix the step reads well in', () => {
    const MiB = 1024 ** 2;
    const GiB = 1024 ** 3;
    expect(formatTicks([GiB, GiB + 256 * MiB, GiB + 512 * MiB], 'bytes')).toEqual(['1 GiB', '1.25 GiB', '1.5 GiB']);
    // A 64 MiB step under a GiB axis reads in MiB, not as 1.062 GiB.
    expect(formatTicks([GiB, GiB + 64 * MiB, GiB + 128 * MiB], 'bytes')).toEqual(['1024 MiB', '1088 MiB', '1152 MiB']);
  });
});
