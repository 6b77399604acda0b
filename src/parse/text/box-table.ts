// Stable-Baselines3's table (stable_baselines3/common/logger.py, HumanOutputFormat.write): one box per dump,
//   -----------------------------------
//   | rollout/           |            |
//   |    ep_len_mean     | 22.4       |
//   | time/              |            |
//   |    total_timesteps | 2048       |
//   -----------------------------------
// Each key is its section and name (`rollout/ep_len_mean`, as SB3 logs it); `time/total_timesteps` is the step.
// The values are given when the box closes.
import { contextFromName } from '../../model/context.js';
import { type LineContext, type MetricOutput, metricOn, RememberedLine } from '../formats/line.js';
import { parseMetricNumber } from '../number.js';

const row = /^\|\s*(\S[^|]*?)\s*\|\s*([^|]*?)\s*\|$/;
const MAX_ROWS = 256;

/** Follows SB3's boxes, one line at a time. */
export class BoxTable {
  private section = '';
  private rows: Array<[string, number]> = [];
  private at: RememberedLine | undefined;

  constructor(private readonly out: MetricOutput) {}

  /**
   * Whether `buf[start, end)` may be a line of a box, by its bytes: a row starts with `|`, and a rule with 8 dashes
   * or more (`line` would find a line that starts with fewer, such as what a `- INFO - ...` logging prefix leaves, to
   * be neither, after making it a string).
   */
  static mayBe(buf: Uint8Array, start: number, end: number): boolean {
    const first = buf[start];
    if (first === 0x7c) return true;
    if (first !== 0x2d || end - start < 8) return false;
    for (let i = start + 1; i < start + 8; i++) if (buf[i] !== 0x2d) return false;
    return true;
  }

  /** Reads a line; true when it was a line of a box. */
  line(text: string, at: LineContext): boolean {
    const trimmed = text.trim();
    if (/^-{8,}$/.test(trimmed)) {
      this.close();
      return true;
    }
    const match = row.exec(trimmed);
    if (match === null) return false;
    const key = match[1] as string;
    const raw = match[2] as string;
    if (raw === '') {
      if (!key.endsWith('/')) return false;
      this.section = key;
      return true;
    }
    const value = parseMetricNumber(raw);
    if (value === undefined) return false;
    if (this.rows.length >= MAX_ROWS) return true;
    this.rows.push([`${this.section}${key}`, value]);
    if (this.at === undefined) this.at = new RememberedLine(at);
    else this.at.copy(at);
    return true;
  }

  /** The box closed: its values, at its step. */
  private close(): void {
    const at = this.at;
    const rows = this.rows;
    this.rows = [];
    this.section = '';
    this.at = undefined;
    if (at === undefined || rows.length === 0) return;
    const step = rows.find(([name]) => name === 'time/total_timesteps')?.[1];
    for (const [name, value] of rows) {
      const point = metricOn(at, 'table', name, value, contextFromName(name));
      if (step !== undefined && Number.isSafeInteger(step)) point.step = step;
      this.out.metric(point);
    }
  }
}
