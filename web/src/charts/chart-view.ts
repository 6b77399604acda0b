// How a page's charts are shaped: x axis, smoothing, zoom, filter, log scales, hidden lines, folded sections, the
// chart shown full screen and metrics added to another's chart. All of it lives in the URL (so a link reproduces the
// view, and Back undoes a change); the x axis and smoothing are also remembered per page as defaults.
import type { XMode } from '../api.js';
import { loadChoice, loadNumber, save } from '../prefs.js';
import { decodeList, decodePair, encodeList, encodePair, viewParams, writeView } from '../view-state.js';

/** A section with more charts than this starts folded: 30 `grad_norm/` charts would fill pages. */
export const FOLD_ABOVE = 8;

/** The URL keys of one view, before its page's prefix (`sys.` for the system tab). */
const keys = ['x', 'smooth', 'zoom', 'filter', 'log', 'hide', 'fold', 'open', 'full', 'merge'] as const;

function toggle<T>(set: Set<T>, item: T, on = !set.has(item)): void {
  if (on) set.add(item);
  else set.delete(item);
}

/** One page's (or tab's) chart view, shared by its toolbar and grids. Changes are written to the URL. */
export class ChartView {
  xMode: XMode;
  smoothing = 0;
  zoom: [number, number] | null = null;
  filter = '';
  /** Log scale on every chart; `logFlipped` lists the charts that differ from it. */
  logAll = false;
  readonly logFlipped = new Set<string>();
  /** Per chart key, the labels of the lines the user hid. */
  readonly hidden = new Map<string, Set<string>>();
  /** Sections folded by hand, and large sections (folded at first) opened by hand. */
  readonly folded = new Set<string>();
  readonly opened = new Set<string>();
  /** The chart shown full screen. */
  full: string | undefined;
  /** Per chart key, the charts whose lines it also draws. */
  readonly merged = new Map<string, string[]>();
  private readonly listeners = new Set<() => void>();
  /** The x axis shown from the remembered default, until a change writes the view into the URL. */
  private unpinned: XMode | undefined;

  constructor(
    /** The page's name for remembered defaults: `run`, `system`, `compare`. */
    readonly page: string,
    /** Put before every URL key, so two views can share a URL. */
    readonly prefix: string,
    readonly modes: readonly XMode[],
    private readonly fallback: XMode,
  ) {
    this.xMode = fallback;
    this.read();
  }

  /** Reads the view from the URL; what the URL lacks comes from the remembered defaults. */
  read(): void {
    const params = viewParams();
    const get = (key: (typeof keys)[number]) => params.get(this.prefix + key);
    const x = get('x');
    const fromUrl = x !== null && (this.modes as readonly string[]).includes(x);
    this.xMode = fromUrl ? (x as XMode) : loadChoice(`${this.page}.x`, this.modes, this.fallback);
    // Shown from the remembered default: the first change pins it in the URL it leaves, so Back returns to it even
    // after the default has changed.
    this.unpinned = fromUrl ? undefined : this.xMode;
    const smooth = Number(get('smooth'));
    this.smoothing = get('smooth') !== null && smooth >= 0 && smooth <= 0.99 ? smooth : loadNumber(`${this.page}.smoothing`, 0, 0, 0.99);
    const zoom = (get('zoom') ?? '').split(',').map(Number);
    this.zoom = zoom.length === 2 && zoom.every(Number.isFinite) && (zoom[0] as number) < (zoom[1] as number) ? (zoom as [number, number]) : null;
    this.filter = get('filter') ?? '';
    const log = decodeList(get('log'));
    this.logAll = log.includes('*');
    this.logFlipped.clear();
    for (const key of log) if (key !== '*') this.logFlipped.add(key);
    this.hidden.clear();
    for (const item of decodeList(get('hide'))) {
      const pair = decodePair(item);
      if (pair) this.hiddenIn(pair[0]).add(pair[1]);
    }
    this.folded.clear();
    for (const section of decodeList(get('fold'))) this.folded.add(section);
    this.opened.clear();
    for (const section of decodeList(get('open'))) this.opened.add(section);
    this.full = get('full') ?? undefined;
    this.merged.clear();
    for (const item of decodeList(get('merge'))) {
      const pair = decodePair(item);
      if (pair && pair[0] !== pair[1]) this.merged.set(pair[0], [...(this.merged.get(pair[0]) ?? []), pair[1]]);
    }
  }

  /** Writes the whole view into the URL: `push` when Back should undo the change. */
  write(mode: 'push' | 'replace'): void {
    if (mode === 'push' && this.unpinned !== undefined) {
      writeView({ [`${this.prefix}x`]: this.unpinned }, 'replace');
      this.unpinned = undefined;
    }
    const log = [...(this.logAll ? ['*'] : []), ...this.logFlipped];
    const hide = [...this.hidden].flatMap(([chart, labels]) => [...labels].map((label) => encodePair(chart, label)));
    const merge = [...this.merged].flatMap(([host, others]) => others.map((other) => encodePair(host, other)));
    const values: Record<(typeof keys)[number], string | undefined> = {
      x: this.xMode,
      smooth: this.smoothing > 0 ? String(this.smoothing) : undefined,
      zoom: this.zoom ? this.zoom.map((v) => Number(v.toPrecision(10))).join(',') : undefined,
      filter: this.filter,
      log: encodeList(log),
      hide: encodeList(hide),
      fold: encodeList([...this.folded]),
      open: encodeList([...this.opened]),
      full: this.full,
      merge: encodeList(merge),
    };
    writeView(Object.fromEntries(keys.map((key) => [this.prefix + key, values[key]])), mode);
  }

  /** Remembers the x axis and smoothing as this page's defaults, beside the URL. */
  remember(): void {
    save(`${this.page}.x`, this.xMode);
    save(`${this.page}.smoothing`, this.smoothing);
  }

  /** Called when the view was read again (Back, Forward): toolbars and grids show it. */
  onRead(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Reads the URL again and tells everything showing this view. */
  reread(): void {
    this.read();
    for (const listener of this.listeners) listener();
  }

  isLog(chart: string): boolean {
    return this.logAll !== this.logFlipped.has(chart);
  }

  setLog(chart: string, on: boolean): void {
    toggle(this.logFlipped, chart, on !== this.logAll);
  }

  setLogAll(on: boolean): void {
    this.logAll = on;
    this.logFlipped.clear();
  }

  hiddenIn(chart: string): Set<string> {
    let set = this.hidden.get(chart);
    if (set === undefined) {
      set = new Set();
      this.hidden.set(chart, set);
    }
    return set;
  }

  /** Hides the line, or shows it again. */
  toggleLine(chart: string, label: string): void {
    toggle(this.hiddenIn(chart), label);
    if (this.hiddenIn(chart).size === 0) this.hidden.delete(chart);
  }

  /** Shows only this line; soloing the line already shown alone shows them all again. */
  soloLine(chart: string, label: string, labels: readonly string[]): void {
    const hidden = this.hiddenIn(chart);
    const alone = labels.every((l) => (l === label ? !hidden.has(l) : hidden.has(l)));
    hidden.clear();
    if (!alone) for (const l of labels) if (l !== label) hidden.add(l);
    if (hidden.size === 0) this.hidden.delete(chart);
  }

  /** Whether a section is folded: by hand, or because it is large and was not opened. */
  isFolded(section: string, size: number): boolean {
    return this.folded.has(section) || (size > FOLD_ABOVE && !this.opened.has(section));
  }

  setFolded(section: string, size: number, folded: boolean): void {
    toggle(this.folded, section, folded && size <= FOLD_ABOVE);
    toggle(this.opened, section, !folded && size > FOLD_ABOVE);
  }

  mergedInto(host: string): readonly string[] {
    return this.merged.get(host) ?? [];
  }

  /** Draws `other`'s lines on `host`'s chart too (or stops). */
  setMerged(host: string, other: string, on: boolean): void {
    const others = new Set(this.mergedInto(host));
    toggle(others, other, on);
    if (others.size === 0) this.merged.delete(host);
    else this.merged.set(host, [...others]);
  }
}

/** What the charts of one grid share: the x mode, smoothing, hover sync and zoom. */
export interface ChartContext {
  xMode: XMode;
  /** EMA weight, 0 (off) to 0.99. */
  smoothing: number;
  syncKey: string;
  /** The zoomed x range in chart units, or null for everything. */
  zoom: [number, number] | null;
  setZoom(range: [number, number] | null): void;
  /** The page's view: log scales, hidden lines, the chart full screen, metrics drawn together. */
  view: ChartView;
  /** A chart changed the view: the grid writes it into the URL and shows it. */
  changed(chart: string, what: 'log' | 'lines' | 'full' | 'merge'): void;
  /** The charts whose lines could be added to this one (the same unit), with their titles. */
  mergeChoices(chart: string): Array<{ key: string; title: string }>;
}
