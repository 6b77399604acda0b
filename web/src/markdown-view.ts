import { h } from './dom.js';
import { type Block, type Inline, parseMarkdown } from './markdown.js';

function inlineNodes(inlines: Inline[]): Node[] {
  return inlines.map((inline) => {
    switch (inline.type) {
      case 'text':
        return document.createTextNode(inline.text);
      case 'code':
        return h('code', {}, inline.text);
      case 'strong':
        return h('strong', {}, ...inlineNodes(inline.children));
      case 'em':
        return h('em', {}, ...inlineNodes(inline.children));
      default:
        return h('a', { href: inline.href, target: '_blank', rel: 'noopener noreferrer nofollow' }, ...inlineNodes(inline.children));
    }
  });
}

function blockNode(block: Block): HTMLElement {
  switch (block.type) {
    case 'heading':
      // Notes sit inside a page: their headings start below the page's own.
      return h(`h${Math.min(6, block.level + 2)}` as 'h3', {}, ...inlineNodes(block.children));
    case 'paragraph':
      return h('p', {}, ...inlineNodes(block.children));
    case 'code':
      return h('pre', {}, h('code', {}, block.text));
    case 'list':
      return h(block.ordered ? 'ol' : 'ul', {}, ...block.items.map((item) => h('li', {}, ...inlineNodes(item))));
    case 'quote':
      return h('blockquote', {}, ...block.children.map(blockNode));
    default:
      return h('hr');
  }
}

/** A note as formatted text: Markdown's structure built from text nodes, so HTML in the note stays characters. */
export function markdownView(source: string): HTMLElement {
  return h('div', { class: 'markdown' }, ...parseMarkdown(source).map(blockNode));
}
