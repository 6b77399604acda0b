import { api, type PointsView, type XMode } from '../api.js';
import type { ChartLine } from './chart-line.js';
import { queryAxis, SeriesBuffer, serverX } from './series-buffer.js';

/** Live points beyond this many times the bucket count make the chart query its buckets again. */
const REBUCKET_FACTOR = 3;
/** A line further behind than this reads buckets again rather than the missing points. */
const MAX_GAP_POINTS = 20_000;

/** Where a chart is looking: its x mode, zoom and bucket count. */
export interface ChartView {
  mode: XMode;
  zoom: [number, number] | null;
  buckets: number;
}

/**
 * The data of one chart's lines: buckets read for the current view, then live points appended as they arrive.
 * Points the live stream did not carry (a gap, a page that fell behind) are read from the server; a line that
 * grew far past its buckets, or whose x went back, is read again as buckets.
 */
export class ChartData {
  buffers = new Map<string, SeriesBuffer>();
  private loading: AbortController | undefined;
  private reloadTimer: number | undefined;
  private readonly gapTimers = new Map<string, number>();
  /** The newest length the live stream reported per line, to catch up after a read that got less. */
  private readonly latestCounts = new Map<string, number>();

  constructor(
    private readonly lines: () => readonly ChartLine[],
    private readonly view: () => ChartView,
    /** Called when the buffers changed and should be drawn (`loaded`: a new read replaced them). */
    private readonly changed: (loaded: boolean) => void,
    private readonly failed: (error: Error) => void,
  ) {}

  /** Reads every line for the current view. */
  async reload(): Promise<void> {
    this.loading?.abort();
    const loading = new AbortController();
    this.loading = loading;
    const { mode, zoom, buckets } = this.view();
    try {
      const results = await Promise.all(
        this.lines().map(async (line) => {
          const toServer = serverX(mode, line.startTime);
          const range = zoom ? { from: toServer(zoom[0]), to: toServer(zoom[1]) } : {};
          const data = await api.data(line.runId, line.seriesId, { x: queryAxis(mode), buckets, ...range }, loading.signal);
          const buffer = new SeriesBuffer(mode, line.startTime);
          buffer.setData(data);
          return [line.id, buffer] as const;
        }),
      );
      if (loading.signal.aborted) return;
      this.buffers = new Map(results);
      for (const [id, buffer] of this.buffers) {
        if ((this.latestCounts.get(id) ?? 0) > buffer.seen && zoom === null) this.scheduleGapRead(id, 0);
      }
      this.changed(true);
    } catch (error) {
      if (!loading.signal.aborted) this.failed(error as Error);
    }
  }

  /** Appends points the live stream pushed. A zoomed view keeps what it shows; zooming out reads everything. */
  onPoints(runId: string, seriesId: number, points: PointsView): void {
    const id = `${runId}:${seriesId}`;
    const buffer = this.buffers.get(id);
    if (buffer === undefined || this.view().zoom !== null || this.loading === undefined) return;
    const result = buffer.append(points);
    if (result === 'gap') this.scheduleGapRead(id, 0);
    else if (result === 'unordered') this.scheduleReload(0);
    else if (buffer.xs.length > this.view().buckets * REBUCKET_FACTOR) this.scheduleReload(1000);
    this.changed(false);
  }

  /** Notes a series' new length: if no pushed points bring the line there soon, it reads them itself. */
  onSeriesCount(runId: string, seriesId: number, count: number): void {
    const id = `${runId}:${seriesId}`;
    this.latestCounts.set(id, Math.max(count, this.latestCounts.get(id) ?? 0));
    const buffer = this.buffers.get(id);
    if (buffer !== undefined && buffer.seen < count && this.view().zoom === null) this.scheduleGapRead(id, 400, count);
  }

  private scheduleGapRead(id: string, delayMs: number, count?: number): void {
    if (this.gapTimers.has(id)) return;
    this.gapTimers.set(
      id,
      window.setTimeout(() => {
        this.gapTimers.delete(id);
        void this.readGap(id, count);
      }, delayMs),
    );
  }

  private async readGap(id: string, count?: number): Promise<void> {
    const line = this.lines().find((l) => l.id === id);
    const buffer = this.buffers.get(id);
    if (!line || !buffer || (count !== undefined && buffer.seen >= count)) return;
    const points = await api.points(line.runId, line.seriesId, buffer.seen).catch(() => undefined);
    if (!points || this.buffers.get(id) !== buffer) return;
    if (points.seriesCount - buffer.seen > MAX_GAP_POINTS || buffer.append(points) === 'unordered') {
      this.scheduleReload(0);
      return;
    }
    if (buffer.seen < points.seriesCount) this.scheduleGapRead(id, 0);
    this.changed(false);
  }

  private scheduleReload(delayMs: number): void {
    if (this.reloadTimer !== undefined) return;
    this.reloadTimer = window.setTimeout(() => {
      this.reloadTimer = undefined;
      void this.reload();
    }, delayMs);
  }

  destroy(): void {
    this.loading?.abort();
    for (const timer of this.gapTimers.values()) clearTimeout(timer);
    if (this.reloadTimer !== undefined) clearTimeout(this.reloadTimer);
  }
}
