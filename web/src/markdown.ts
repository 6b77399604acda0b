// A small Markdown reader for run notes. It builds a tree, and markdown-view.ts builds DOM nodes from it with
// text nodes only: HTML written in a note is shown as the characters it is, never parsed.

export type Inline =
  | { type: 'text'; text: string }
  | { type: 'code'; text: string }
  | { type: 'strong' | 'em'; children: Inline[] }
  | { type: 'link'; href: string; children: Inline[] };

export type Block =
  | { type: 'heading'; level: number; children: Inline[] }
  | { type: 'paragraph'; children: Inline[] }
  | { type: 'code'; text: string }
  | { type: 'list'; ordered: boolean; items: Inline[][] }
  | { type: 'quote'; children: Block[] }
  | { type: 'rule' };

/** Links may only lead to web pages and mail: never `javascript:` or `data:`. */
export function safeHref(href: string): string | undefined {
  return /^(https?:\/\/|mailto:)/i.test(href.trim()) ? href.trim() : undefined;
}

/** Reads inline formatting: `code`, **strong**, *em* or _em_, [text](https://...). */
export function parseInline(text: string): Inline[] {
  const out: Inline[] = [];
  let plain = '';
  const flush = () => {
    if (plain !== '') out.push({ type: 'text', text: plain });
    plain = '';
  };
  let i = 0;
  while (i < text.length) {
    const rest = text.slice(i);
    const code = /^`([^`]+)`/.exec(rest);
    const strong = /^(\*\*|__)(?=\S)([\s\S]*?\S)\1/.exec(rest);
    const em = /^([*_])(?=\S)([\s\S]*?\S)\1/.exec(rest);
    const link = /^\[([^\]]+)\]\(([^)\s]+)\)/.exec(rest);
    if (code) {
      flush();
      out.push({ type: 'code', text: code[1] as string });
      i += code[0].length;
    } else if (strong) {
      flush();
      out.push({ type: 'strong', children: parseInline(strong[2] as string) });
      i += strong[0].length;
    } else if (em && !/\w/.test(text[i - 1] ?? '')) {
      flush();
      out.push({ type: 'em', children: parseInline(em[2] as string) });
      i += em[0].length;
    } else if (link) {
      const href = safeHref(link[2] as string);
      flush();
      if (href) out.push({ type: 'link', href, children: parseInline(link[1] as string) });
      else out.push({ type: 'text', text: link[0] });
      i += link[0].length;
    } else {
      plain += text[i];
      i++;
    }
  }
  flush();
  return out;
}

const listItem = /^\s{0,3}([-*+]|\d{1,9}[.)])\s+(.*)$/;

/** Reads a note into blocks. */
export function parseMarkdown(source: string): Block[] {
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  const blocks: Block[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] as string;
    if (line.trim() === '') {
      i++;
      continue;
    }
    const fence = /^\s{0,3}(```|~~~)/.exec(line);
    if (fence) {
      const body: string[] = [];
      i++;
      while (i < lines.length && !(lines[i] as string).trimStart().startsWith(fence[1] as string)) body.push(lines[i++] as string);
      i++;
      blocks.push({ type: 'code', text: body.join('\n') });
      continue;
    }
    const heading = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading) {
      blocks.push({ type: 'heading', level: (heading[1] as string).length, children: parseInline(heading[2] as string) });
      i++;
      continue;
    }
    if (/^\s{0,3}([-*_])(\s*\1){2,}\s*$/.test(line)) {
      blocks.push({ type: 'rule' });
      i++;
      continue;
    }
    if (/^\s{0,3}>/.test(line)) {
      const quoted: string[] = [];
      while (i < lines.length && /^\s{0,3}>/.test(lines[i] as string)) quoted.push((lines[i++] as string).replace(/^\s{0,3}>\s?/, ''));
      blocks.push({ type: 'quote', children: parseMarkdown(quoted.join('\n')) });
      continue;
    }
    const item = listItem.exec(line);
    if (item) {
      const ordered = /\d/.test(item[1] as string);
      const items: Inline[][] = [];
      while (i < lines.length) {
        const next = listItem.exec(lines[i] as string);
        if (next && /\d/.test(next[1] as string) === ordered) items.push(parseInline(next[2] as string));
        else if (items.length > 0 && /^\s{2,}\S/.test(lines[i] as string))
          (items[items.length - 1] as Inline[]).push({ type: 'text', text: ' ' }, ...parseInline((lines[i] as string).trim()));
        else break;
        i++;
      }
      blocks.push({ type: 'list', ordered, items });
      continue;
    }
    const paragraph: string[] = [];
    while (
      i < lines.length &&
      (lines[i] as string).trim() !== '' &&
      !listItem.test(lines[i] as string) &&
      !/^\s{0,3}(#{1,6}\s|```|~~~|>)/.test(lines[i] as string)
    ) {
      paragraph.push((lines[i++] as string).trim());
    }
    blocks.push({ type: 'paragraph', children: parseInline(paragraph.join(' ')) });
  }
  return blocks;
}
