// Tables that training loggers print: a header of column names, then a row per epoch or step.
//   fastai (fastprogress ConsoleMasterBar.write):  epoch     train_loss  valid_loss  accuracy  time
//                                                  0         0.543210    0.432100    0.876543  00:05
//   spaCy (training/loggers.py console_logger):    E    #       LOSS TOK2VEC  LOSS NER  ENTS_F  SCORE
//                                                  ---  ------  ------------  --------  ------  ------
//                                                    0       0          0.00     49.75    0.00    0.00
//   Ultralytics YOLO (engine/trainer.py, the epoch's bar description; the validator's `all` row):
//         Epoch    GPU_mem   box_loss   cls_loss   dfl_loss  Instances       Size
//         1/100      3.21G      1.234      2.345      1.456         32        640: 100%|██████████| 10/10 [...]
//                    Class     Images  Instances      Box(P          R      mAP50  mAP50-95): 100%|...|
//                      all        128        929      0.667      0.565      0.633      0.467
// Column names are the metrics' names; the epoch or step column is the x. Rows must match the header cell for cell.
import { contextFromName } from '../../model/context.js';
import type { LineContext, MetricOutput } from '../formats/line.js';
import { metricOn } from '../formats/line.js';
import { parseMetricNumber } from '../number.js';

/** What an x column is. */
const xColumns = new Map<string, 'epoch' | 'step'>([
  ['epoch', 'epoch'],
  ['step', 'step'],
  ['iter', 'step'],
  ['iteration', 'step'],
  ['#', 'step'],
]);

const nameCell = /^[A-Za-z_#][\w./@()%#-]*(?: [A-Za-z_][\w./@()%-]*){0,2}$/;
const numberWithUnit = /^([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)([A-Za-z%]{0,3})$/;
const clockTime = /^\d+(?::\d\d)+$/;
// YOLO's batch shape columns are not metrics.
const yoloSkipped = new Set(['Instances', 'Size']);

interface Table {
  columns: string[];
  /** Per column: the x it gives, or undefined for a metric. */
  xs: Array<'epoch' | 'step' | undefined>;
  yolo: boolean;
}

/** Reads tables: `header` arms one, then `row` reads each line while it is armed. */
export class Tables {
  private table: Table | undefined;
  /** YOLO's validation columns, once its header has been seen. */
  private yoloVal: string[] | undefined;
  private lastEpoch: number | undefined;

  constructor(private readonly out: MetricOutput) {}

  /** Whether a table's rows are awaited (every line goes to `row` first then). */
  get active(): boolean {
    return this.table !== undefined;
  }

  /** A line without numbers: a table's header? Arms the table when it is one. */
  header(text: string): boolean {
    const trimmed = text.trim();
    const yolo = /^Epoch\s+GPU_mem\s/.test(trimmed);
    const columns = trimmed.split(yolo ? /\s+/ : /\s{2,}/);
    if (columns.length < 3 || !columns.every((cell) => cell.length <= 24 && nameCell.test(cell))) return false;
    const xs = columns.map((cell, i) => xColumns.get(cell.toLowerCase()) ?? (cell === 'E' && columns[i + 1] === '#' ? 'epoch' : undefined));
    const xCount = xs.filter((x) => x !== undefined).length;
    if (xCount === 0 || columns.length - xCount < 2) return false;
    this.table = { columns, xs, yolo };
    this.yoloVal = undefined;
    return true;
  }

  /** A line while a table is armed: true when it was one of its rows (or a line of its frame). */
  row(text: string, at: LineContext): boolean {
    const table = this.table as Table;
    let trimmed = text.trim();
    if (/^-[-\s]*$/.test(trimmed)) return true;
    if (table.yolo) {
      // The row is the description of the epoch's bar: `1/100 ... 640: 100%|...`.
      const bar = /:\s+\d+%/.exec(trimmed);
      if (bar !== null) trimmed = trimmed.slice(0, bar.index).trim();
      if (this.yoloHeader(trimmed)) return true;
      if (this.yoloVal !== undefined && trimmed.startsWith('all ')) return this.yoloValues(trimmed.split(/\s+/), at);
    }
    const cells = trimmed.split(/\s+/);
    if (cells.length !== table.columns.length) return false;
    let epoch: number | undefined;
    let step: number | undefined;
    const values: Array<[string, number, string | undefined] | undefined> = [];
    for (let i = 0; i < cells.length; i++) {
      const cell = cells[i] as string;
      const x = table.xs[i];
      if (x !== undefined) {
        const count = /^(\d+)(?:\/\d+)?$/.exec(cell);
        if (count === null) return false;
        if (x === 'epoch') epoch = Number(count[1]);
        else step = Number(count[1]);
        continue;
      }
      if (clockTime.test(cell)) continue;
      const number = numberWithUnit.exec(cell);
      const value = number === null ? parseMetricNumber(cell) : parseMetricNumber(number[1] as string);
      if (value === undefined) return false;
      values[i] = [table.columns[i] as string, value, number?.[2] || undefined];
    }
    this.lastEpoch = epoch;
    for (const item of values) {
      if (item === undefined || (table.yolo && yoloSkipped.has(item[0]))) continue;
      this.emit(at, item[0], item[1], item[2], epoch, step, undefined);
    }
    return true;
  }

  /** YOLO's validation header, printed as its bar's description: `Class Images Instances Box(P R mAP50 mAP50-95)`. */
  private yoloHeader(text: string): boolean {
    const match = /^Class\s+Images\s+Instances\s+(.+)$/.exec(text);
    if (match === null) return false;
    const names: string[] = [];
    let group = '';
    for (const word of (match[1] as string).split(/\s+/)) {
      const open = /^(\w+)\((.+)$/.exec(word);
      let name = word;
      if (open !== null) {
        group = open[1] as string;
        name = open[2] as string;
      }
      const closes = name.endsWith(')');
      if (closes) name = name.slice(0, -1);
      names.push(group === '' ? name : `${group}(${name})`);
      if (closes) group = '';
    }
    this.yoloVal = names;
    return true;
  }

  /** The validator's `all` row: every class together, at the epoch just trained. */
  private yoloValues(cells: string[], at: LineContext): boolean {
    const names = this.yoloVal as string[];
    if (cells.length !== names.length + 3) return false;
    const values = cells.slice(3).map((cell) => parseMetricNumber(cell));
    if (values.some((value) => value === undefined)) return false;
    names.forEach((name, i) => {
      this.emit(at, name, values[i] as number, undefined, this.lastEpoch, undefined, 'validation');
    });
    return true;
  }

  private emit(
    at: LineContext,
    name: string,
    value: number,
    unit: string | undefined,
    epoch: number | undefined,
    step: number | undefined,
    context: string | undefined,
  ): void {
    const point = metricOn(at, 'table', name, value, context ?? contextFromName(name));
    if (epoch !== undefined) point.epoch = epoch;
    if (step !== undefined) point.step = step;
    if (unit !== undefined) point.unit = unit;
    this.out.metric(point);
  }
}
