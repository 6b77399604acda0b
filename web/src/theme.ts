// The colours charts draw with, read from the CSS custom properties of the current (OS-chosen) theme.

export interface ThemeColors {
  text: string;
  muted: string;
  grid: string;
  axis: string;
  surface: string;
  cursor: string;
}

let cached: ThemeColors | undefined;
const listeners = new Set<() => void>();
const darkQuery = window.matchMedia('(prefers-color-scheme: dark)');
darkQuery.addEventListener('change', () => {
  cached = undefined;
  for (const listener of listeners) listener();
});

/** The current theme's chart colours. */
export function themeColors(): ThemeColors {
  if (cached) return cached;
  const style = getComputedStyle(document.documentElement);
  const read = (name: string) => style.getPropertyValue(name).trim();
  cached = {
    text: read('--text'),
    muted: read('--text-muted'),
    grid: read('--chart-grid'),
    axis: read('--chart-axis'),
    surface: read('--surface'),
    cursor: read('--chart-cursor'),
  };
  return cached;
}

/** Calls `listener` whenever the OS switches between light and dark; returns the function that stops it. */
export function onThemeChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Series colours that read well on both themes; training and validation of a metric get the first two. */
export const palette = ['#4f7df3', '#f08a24', '#2fb37c', '#e5484d', '#8e6cef', '#12a4b8', '#e0569b', '#8d9a2c', '#d97a4e', '#5f6fb3'];

/** A colour from the palette, cycling. */
export function paletteColor(index: number): string {
  return palette[index % palette.length] as string;
}

/** A hex colour with an alpha, as rgba(). */
export function withAlpha(hex: string, alpha: number): string {
  const n = Number.parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}
