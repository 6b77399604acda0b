import { describe, expect, it } from 'vitest';
import { displayWidth, formatCommand, renderTable, truncate } from '../../src/cli/table.js';

describe('tables', () => {
  it('measures CJK characters as two columns and marks as none', () => {
    expect(displayWidth('loss')).toBe(4);
    expect(displayWidth('損失')).toBe(4);
    expect(displayWidth('학습률')).toBe(6);
    expect(displayWidth('e\u0301')).toBe(1);
    expect(displayWidth('ｌｏｓｓ')).toBe(8);
  });

  it('aligns columns after wide names', () => {
    const table = renderTable(
      ['NAME', 'LAST'],
      [
        ['損失関数', '0.5'],
        ['loss', '0.25'],
      ],
      { rightAlign: [1] },
    );
    const [header, wide, narrow] = table.split('\n') as [string, string, string];
    // The LAST column ends at the same terminal column on every line.
    expect(displayWidth(header)).toBe(displayWidth(wide));
    expect(displayWidth(wide)).toBe(displayWidth(narrow));
    expect(narrow).toBe('loss      0.25');
  });

  it('escapes control characters in cells, so a row stays one line', () => {
    const table = renderTable(['NAME'], [['a\nb\u001b[2J']]);
    expect(table).toBe('NAME\na\\nb\\x1b[2J\n');
  });

  it('measures cells before colouring them, so colour takes no columns', () => {
    const table = renderTable(
      ['S', 'N'],
      [
        ['ok', '1'],
        ['failed', '2'],
      ],
      { style: (text, column) => (column === 0 ? `\u001b[31m${text}\u001b[0m` : text) },
    );
    expect(table.split('\n')[1]).toBe('\u001b[31mok\u001b[0m      1');
  });

  it('truncates to display columns, and quotes commands with their controls escaped', () => {
    expect(truncate('損失関数の値', 7)).toBe('損失関…');
    expect(displayWidth(truncate('損失関数の値', 7))).toBeLessThanOrEqual(7);
    expect(truncate('a\u001bb', 10)).toBe('a\\x1bb');
    expect(formatCommand(['python', 'train.py', 'a b\u001b'])).toBe("python train.py 'a b\\x1b'");
  });
});
