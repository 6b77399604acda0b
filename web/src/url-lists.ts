// Lists and pairs packed into one URL setting (`hide=chart~line,chart~line`), with their own separators escaped.

/** A list as one setting: items joined by commas, their own commas and percent signs escaped. */
export function encodeList(items: readonly string[]): string {
  return items.map((item) => item.replace(/%/g, '%25').replace(/,/g, '%2C')).join(',');
}

/** The inverse of encodeList. */
export function decodeList(text: string | null): string[] {
  if (text === null || text === '') return [];
  return text.split(',').map((item) => item.replace(/%2C/gi, ',').replace(/%25/g, '%'));
}

/** A pair inside a list item (`chart~line`), escaped like list items. */
export function encodePair(a: string, b: string): string {
  return `${a.replace(/%/g, '%25').replace(/~/g, '%7E')}~${b.replace(/%/g, '%25').replace(/~/g, '%7E')}`;
}

/** The inverse of encodePair. */
export function decodePair(text: string): [string, string] | undefined {
  const at = text.indexOf('~');
  if (at === -1) return undefined;
  const un = (s: string) => s.replace(/%7E/gi, '~').replace(/%25/g, '%');
  return [un(text.slice(0, at)), un(text.slice(at + 1))];
}
