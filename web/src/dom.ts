// Small DOM helpers. Everything a job printed reaches the page through text nodes: no HTML is ever parsed from data.

type Child = Node | string | number | null | undefined | false;
type Attributes = Record<string, string | number | boolean | null | undefined | EventListener>;

/** Creates an element with attributes (`on*` become listeners, `class` the class name) and children as text or nodes. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Attributes = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (typeof value === 'function') element.addEventListener(name.slice(2).toLowerCase(), value);
    else if (name === 'class') element.className = String(value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  append(element, ...children);
  return element;
}

/** Appends children, strings as text nodes. */
export function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)));
  }
}

/** Replaces an element's children. */
export function replaceChildren(parent: Element, ...children: Child[]): void {
  parent.textContent = '';
  append(parent, ...children);
}

/** Sets an element's text only when it changed, so live updates do not disturb selections. */
export function setText(element: Element, text: string): void {
  if (element.textContent !== text) element.textContent = text;
}

const svgNs = 'http://www.w3.org/2000/svg';

/** A small inline icon from fixed path data (never from data the server sent). */
export function icon(name: keyof typeof iconPaths, size = 16): SVGSVGElement {
  const svg = document.createElementNS(svgNs, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('width', String(size));
  svg.setAttribute('height', String(size));
  svg.setAttribute('aria-hidden', 'true');
  svg.classList.add('icon');
  for (const d of iconPaths[name]) {
    const path = document.createElementNS(svgNs, 'path');
    path.setAttribute('d', d);
    svg.appendChild(path);
  }
  return svg;
}

const iconPaths = {
  search: ['M11 4a7 7 0 1 0 0 14 7 7 0 0 0 0-14z', 'M20 20l-3.5-3.5'],
  reset: ['M4 12a8 8 0 1 0 2.3-5.6', 'M4 4v4h4'],
  download: ['M12 4v11', 'M7 10l5 5 5-5', 'M5 20h14'],
  compare: ['M4 18l5-7 4 4 7-9', 'M4 8l4 3 4-5 8 6'],
  arrowDown: ['M12 5v14', 'M6 13l6 6 6-6'],
  arrowUp: ['M12 19V5', 'M6 11l6-6 6 6'],
  columns: ['M4 5h16v14H4z', 'M10 5v14', 'M15 5v14'],
  tag: ['M3 12V4h8l9 9-8 8z', 'M7.5 8.5h.01'],
  trash: ['M4 7h16', 'M9 7V4h6v3', 'M6 7l1 13h10l1-13'],
  edit: ['M4 20h4L19 9l-4-4L4 16z', 'M13 7l4 4'],
  note: ['M5 4h14v16H5z', 'M8 9h8', 'M8 13h8', 'M8 17h5'],
  plus: ['M12 5v14', 'M5 12h14'],
  expand: ['M4 9V4h5', 'M20 9V4h-5', 'M4 15v5h5', 'M20 15v5h-5'],
  fold: ['M6 9l6 6 6-6'],
  combine: ['M4 6h7v12H4z', 'M13 6h7v12h-7z'],
  chevron: ['M9 6l6 6-6 6'],
  logo: ['M3 17l5-7 4 4 9-10'],
  close: ['M6 6l12 12', 'M18 6L6 18'],
} as const;
