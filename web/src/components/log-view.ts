import { api } from '../api.js';
import { h, icon, setText } from '../dom.js';
import { formatNumber, formatUnit } from '../format.js';
import { searchBox, segmented } from './controls.js';
import { type LogLine, splitLog } from './log-lines.js';
import { VirtualLines } from './virtual-lines.js';

type Stream = 'stdout' | 'stderr';
type StreamFilter = 'all' | Stream;

/** What is loaded of one stream: bytes [start, next) as whole lines, and the line still being written. */
interface StreamState {
  start: number;
  next: number;
  size: number;
  partial?: LogLine;
  reading: boolean;
  /** A read was asked for while one was running. */
  again: boolean;
}

const TAIL_BYTES = 512 * 1024;
/** A line with no newline longer than this is shown as finished, so progress bars are not read again forever. */
const MAX_PARTIAL = 64 * 1024;

/**
 * The output log: both streams merged by arrival time, a stdout/stderr filter, search with highlights, and a tail
 * that follows new output while the job runs (scroll up to stop following).
 */
export class LogView {
  readonly element: HTMLElement;
  private lines: LogLine[] = [];
  private seq = 0;
  private readonly streams: Record<Stream, StreamState> = {
    stdout: { start: 0, next: 0, size: 0, reading: false, again: false },
    stderr: { start: 0, next: 0, size: 0, reading: false, again: false },
  };
  private filter: StreamFilter = 'all';
  private search = '';
  private readonly list: VirtualLines;
  private readonly info = h('span', { class: 'log-info' });
  private readonly earlier: HTMLButtonElement;

  /** While showing a node other than the first of a joined run: the live stream's sizes are the first node's, so
   * this node's output is polled. */
  private poll: number | undefined;

  constructor(
    private readonly runId: string,
    /** A joined run's node to show (undefined: the run's own output, or its first node's). */
    private readonly node?: string,
  ) {
    this.list = new VirtualLines();
    this.earlier = h(
      'button',
      { type: 'button', class: 'button button-quiet log-earlier', hidden: true, onclick: () => void this.loadEarlier() },
      'Load earlier output',
    );
    const follow = h(
      'button',
      { type: 'button', class: 'button button-quiet', title: 'Follow new output', onclick: () => this.list.follow() },
      icon('arrowDown', 14),
      'Follow',
    );
    this.list.onFollowChange = (following) => follow.classList.toggle('active', following);
    this.element = h(
      'div',
      { class: 'log-view' },
      h(
        'div',
        { class: 'log-toolbar' },
        segmented<StreamFilter>({
          label: 'Streams',
          choices: [
            ['all', 'All'],
            ['stdout', 'stdout'],
            ['stderr', 'stderr'],
          ],
          value: 'all',
          onChange: (value) => {
            this.filter = value;
            this.refresh();
          },
        }),
        searchBox({
          placeholder: 'Search the log',
          onInput: (text) => {
            this.search = text;
            this.refresh();
          },
        }),
        this.info,
        h('div', { class: 'toolbar-spacer' }),
        follow,
      ),
      this.earlier,
      this.list.element,
    );
  }

  /**
   * Reads the last part of both streams, and follows the end; or, given a line (`stderr` at byte 12345, from a link),
   * reads back until it is loaded, then marks it and scrolls to it.
   */
  async start(sizes: Record<Stream, number>, target?: { stream: Stream; offset: number }): Promise<void> {
    for (const stream of ['stdout', 'stderr'] as const) {
      const state = this.streams[stream];
      state.size = sizes[stream];
      state.start = state.next = Math.max(0, sizes[stream] - TAIL_BYTES);
    }
    await Promise.all([this.read('stdout', true), this.read('stderr', true)]);
    if (this.node !== undefined && this.poll === undefined) {
      this.poll = window.setInterval(() => {
        for (const stream of ['stdout', 'stderr'] as const) void this.read(stream, false);
      }, 2000);
    }
    if (target === undefined) this.list.follow();
    else await this.reveal(target);
  }

  /** Marks a line (a stream and the byte it starts at) and scrolls to it, reading back as far as it takes. */
  async reveal(target: { stream: Stream; offset: number }): Promise<void> {
    // Read back a bounded number of times: a log of gigabytes is not loaded whole to reach its first line.
    for (let reads = 0; reads < 64 && this.streams[target.stream].start > target.offset; reads++) await this.loadEarlier();
    const line = this.lines.find((l) => l.stream === target.stream && l.offset === target.offset);
    if (!line || !this.list.show(line)) {
      setText(this.info, `The linked line (${target.stream}, byte ${formatNumber(target.offset)}) is not in this log`);
      this.list.follow();
    }
  }

  /** The live stream says how long each stream now is: read what is new. */
  onSizes(sizes: Record<Stream, number>): void {
    if (this.node !== undefined) return;
    for (const stream of ['stdout', 'stderr'] as const) {
      this.streams[stream].size = sizes[stream];
      if (sizes[stream] > this.streams[stream].next || this.streams[stream].partial) void this.read(stream, false);
    }
  }

  private async read(stream: Stream, tail: boolean): Promise<void> {
    const state = this.streams[stream];
    if (state.reading) {
      state.again = true;
      return;
    }
    state.reading = true;
    try {
      const node = this.node === undefined ? {} : { node: this.node };
      const response = tail
        ? await api.logs(this.runId, stream, { tail: TAIL_BYTES, ...node })
        : await api.logs(this.runId, stream, { offset: state.next, ...node });
      state.size = Math.max(state.size, response.size);
      if (tail) state.start = response.offset;
      // Bytes whose arrival is not recorded yet came after every line shown.
      const latest = this.lines.at(-1)?.time ?? Date.now();
      const { lines, partial, partialOffset } = splitLog(response, () => this.seq++, latest);
      state.next = partialOffset;
      state.partial = undefined;
      if (partial !== '') {
        const line = splitLog({ ...response, offset: partialOffset, text: `${partial}\n`, chunks: response.chunks }, () => this.seq++, latest).lines[0];
        if (line && partial.length > MAX_PARTIAL) {
          lines.push(line);
          state.next = response.end;
        } else if (line) state.partial = line;
      }
      this.insert(lines);
    } catch (error) {
      setText(this.info, `Could not read ${stream}: ${(error as Error).message}`);
    } finally {
      state.reading = false;
      if (state.again) {
        state.again = false;
        void this.read(stream, false);
      }
    }
  }

  private async loadEarlier(): Promise<void> {
    const older: LogLine[] = [];
    for (const stream of ['stdout', 'stderr'] as const) {
      const state = this.streams[stream];
      if (state.start === 0) continue;
      const from = Math.max(0, state.start - TAIL_BYTES);
      const response = await api.logs(this.runId, stream, {
        offset: from,
        length: state.start - from,
        ...(this.node === undefined ? {} : { node: this.node }),
      });
      // Earlier output's arrival is always recorded (times are recorded in order); were it not, it goes first.
      const { lines } = splitLog(response, () => this.seq++, 0);
      // A read from the middle of the stream starts inside a line: that part belongs to the next read back.
      if (from > 0) lines.shift();
      older.push(...lines);
      state.start = from === 0 ? 0 : from;
    }
    this.lines = mergeByTime(older, this.lines);
    this.refresh(true);
  }

  private insert(lines: LogLine[]): void {
    if (lines.length > 0) this.lines = mergeByTime(this.lines, lines);
    this.refresh();
  }

  /** Shows the lines that pass the stream filter and search. */
  private refresh(keepPosition = false): void {
    const partials = (['stdout', 'stderr'] as const).map((s) => this.streams[s].partial).filter((l): l is LogLine => l !== undefined);
    const all = partials.length > 0 ? mergeByTime(this.lines, partials) : this.lines;
    const needle = this.search.trim().toLowerCase();
    const shown =
      this.filter === 'all' && needle === ''
        ? all
        : all.filter((l) => (this.filter === 'all' || l.stream === this.filter) && (needle === '' || l.text.toLowerCase().includes(needle)));
    this.list.setLines(shown, needle, keepPosition);
    this.earlier.hidden = this.streams.stdout.start === 0 && this.streams.stderr.start === 0;
    const sizes = `${formatUnit(this.streams.stdout.size, 'bytes')} stdout · ${formatUnit(this.streams.stderr.size, 'bytes')} stderr`;
    setText(this.info, needle === '' ? sizes : `${formatNumber(shown.length)} matching ${shown.length === 1 ? 'line' : 'lines'}`);
  }

  destroy(): void {
    clearInterval(this.poll);
    this.list.destroy();
  }
}

/** Merges two lists of lines, each in arrival order, into one. */
function mergeByTime(a: LogLine[], b: LogLine[]): LogLine[] {
  if (a.length === 0) return b.slice();
  if (b.length === 0) return a;
  const last = a[a.length - 1] as LogLine;
  const first = b[0] as LogLine;
  if (last.time < first.time || (last.time === first.time && last.seq < first.seq)) return a.concat(b);
  const out: LogLine[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const x = a[i];
    const y = b[j];
    if (y === undefined || (x !== undefined && (x.time < y.time || (x.time === y.time && x.seq <= y.seq)))) {
      out.push(x as LogLine);
      i++;
    } else {
      out.push(y);
      j++;
    }
  }
  return out;
}
