import { describe, expect, it } from 'vitest';
import { parseInline, parseMarkdown, safeHref } from '../../web/src/markdown.js';

describe('notes as Markdown', () => {
  it('reads headings, paragraphs, lists, quotes, code and rules', () => {
    const blocks = parseMarkdown(
      '# Findings\n\nlr **too high**,\ndiverged at `step 9`.\n\n- one\n- two\n  more\n\n1. first\n\n> quoted\n\n```\n<b>x</b>\n```\n---',
    );
    expect(blocks.map((b) => b.type)).toEqual(['heading', 'paragraph', 'list', 'list', 'quote', 'code', 'rule']);
    expect(blocks[1]).toEqual({
      type: 'paragraph',
      children: [
        { type: 'text', text: 'lr ' },
        { type: 'strong', children: [{ type: 'text', text: 'too high' }] },
        { type: 'text', text: ', diverged at ' },
        { type: 'code', text: 'step 9' },
        { type: 'text', text: '.' },
      ],
    });
    expect(blocks[2]).toMatchObject({ ordered: false, items: [[{ text: 'one' }], [{ text: 'two' }, { text: ' ' }, { text: 'more' }]] });
    expect(blocks[5]).toEqual({ type: 'code', text: '<b>x</b>' });
  });

  it('keeps HTML as text, and links only to web pages and mail', () => {
    expect(parseInline('<script>alert(1)</script>')).toEqual([{ type: 'text', text: '<script>alert(1)</script>' }]);
    expect(parseInline('[docs](https://example.com/a)')).toEqual([{ type: 'link', href: 'https://example.com/a', children: [{ type: 'text', text: 'docs' }] }]);
    expect(parseInline('[x](javascript:alert)').every((node) => node.type === 'text')).toBe(true);
    expect(safeHref('data:text/html,<b>')).toBeUndefined();
    expect(safeHref(' mailto:ada@example.com')).toBe('mailto:ada@example.com');
  });

  it('leaves snake_case words alone', () => {
    expect(parseInline('val_loss and train_loss')).toEqual([{ type: 'text', text: 'val_loss and train_loss' }]);
  });
});
