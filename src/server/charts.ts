import { baseMetricName, contextFromName } from '../model/context.js';
import type { SeriesKey } from '../model/series.js';

/** Which chart a series is drawn on, and how: series with the same key share one chart. */
export interface ChartPlacement {
  /** Series with equal keys go on one chart. */
  key: string;
  title: string;
  /** `percent`, `bytes`, `bytes_per_s`, `watts`, `celsius`, `joules`, `flops`, `count`, or '' for a plain number. */
  unit: string;
  /** `training` (with FLOPs) or `system`: the run page's two sections. */
  section: 'training' | 'flops' | 'system';
  /** Charts sort by this, then by title. */
  order: number;
  /** The series' name in the chart's legend. */
  label: string;
}

const units = ['bytes_per_s', 'percent', 'bytes', 'watts', 'celsius', 'joules'] as const;

/** Known system charts, by the metric's name without its source and unit: [title, order, detail shown in the legend]. */
const systemCharts: Record<string, [string, number, string?]> = {
  'cpu|percent': ['CPU utilization', 10],
  'memory_used|bytes': ['Memory', 20],
  'memory_rss|bytes': ['Memory', 20],
  'memory|percent': ['Memory utilization', 21],
  'gpu:utilization|percent': ['GPU utilization', 30],
  'gpu:memory_used|bytes': ['GPU memory', 31],
  'gpu_memory|bytes': ['GPU memory', 31],
  'gpu:memory|percent': ['GPU memory utilization', 32],
  'gpu:power|watts': ['GPU power', 33],
  'gpu:temperature|celsius': ['GPU temperature', 34],
  'gpu:energy|joules': ['GPU energy', 35],
  'disk|percent': ['Disk utilization', 40],
  'disk_used|bytes': ['Disk used', 41],
  'disk_read|bytes_per_s': ['Disk I/O', 42, 'read'],
  'disk_write|bytes_per_s': ['Disk I/O', 42, 'write'],
  'network_rx|bytes_per_s': ['Network', 50, 'received'],
  'network_tx|bytes_per_s': ['Network', 50, 'sent'],
  'processes|': ['Processes and threads', 60, 'processes'],
  'threads|': ['Processes and threads', 60, 'threads'],
};

/** Splits `gpu/0/power_watts` into its source label, the metric without its unit, and the unit. */
function splitSystemName(key: SeriesKey): { source: string; metric: string; unit: string; gpu: boolean } {
  const parts = key.name.split('/');
  const head = parts[0] ?? '';
  const gpu = head === 'gpu' && parts.length >= 3;
  let rest = parts.slice(gpu ? 2 : head === key.kind ? 1 : 0).join('/');
  // `cpu_percent_max` is the highest reading of each interval: it goes on the chart of its mean.
  const max = rest.endsWith('_max');
  if (max) rest = rest.slice(0, -4);
  const unit = units.find((u) => rest.endsWith(`_${u}`)) ?? '';
  const metric = unit === '' ? rest : rest.slice(0, -(unit.length + 1));
  const source = `${gpu ? `GPU ${parts[1]}` : key.kind === 'job' ? 'job' : key.kind === 'system' ? 'machine' : key.kind}${max ? ' max' : ''}`;
  return { source, metric, unit: unit === '' && (metric === 'processes' || metric === 'threads') ? 'count' : unit, gpu };
}

function titleCase(text: string): string {
  const spaced = text.replace(/[_/]+/g, ' ').trim();
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}

function withRank(label: string, key: SeriesKey): string {
  const extra: string[] = [];
  if (key.rank !== undefined) extra.push(`rank ${key.rank}`);
  if (key.node) extra.push(key.node);
  if (key.device) extra.push(key.device);
  return extra.length > 0 ? `${label} (${extra.join(', ')})` : label;
}

// The SDK's logSystemMetrics gives its series a context; the agent's have none, and both share a chart.
function withContext(label: string, key: SeriesKey): string {
  return key.context ? `${label} · ${key.context}` : label;
}

/** Where a series goes on the run page: training metrics by base name (loss with val_loss), system ones by quantity. */
export function placeSeries(key: SeriesKey): ChartPlacement {
  if (key.kind === 'training') {
    const base = baseMetricName(key.name);
    const implied = contextFromName(key.name);
    const context = key.context ?? implied;
    // `loss` logged with context "validation" must not read like the training loss.
    const label = context !== implied ? `${key.name} (${context})` : key.name;
    return { key: `training:${base}`, title: base, unit: '', section: 'training', order: 0, label: withRank(label, key) };
  }
  // Model FLOPs utilization goes on the GPU utilization chart, so a GPU "95% busy" at 20% MFU shows as such.
  if (key.name === 'perf/mfu_percent') {
    return { key: 'system:GPU utilization', title: 'GPU utilization', unit: 'percent', section: 'system', order: 30, label: withRank('MFU', key) };
  }
  if (key.name === 'perf/achieved_tflops') {
    return { key: 'system:Achieved TFLOP/s', title: 'Achieved TFLOP/s', unit: '', section: 'system', order: 29, label: withRank('achieved', key) };
  }
  if (key.kind === 'flops') {
    // The SDK writes `flops/<label>/batch` (per call) and `flops/<label>/batch_total` (running total); epochs likewise.
    const match = /^flops\/(.+)\/(batch|epoch)(_total)?$/.exec(key.name);
    const title = match ? `${match[1]} · FLOPs ${match[3] ? `running total (per-${match[2]} calls)` : `per ${match[2]}`}` : key.name.replace(/^flops\//, '');
    return { key: `flops:${key.name}`, title, unit: 'flops', section: 'flops', order: 0, label: withRank(key.context ?? 'flops', key) };
  }
  const { source, metric, unit, gpu } = splitSystemName(key);
  const known = systemCharts[`${gpu ? 'gpu:' : ''}${metric}|${unit === 'count' ? '' : unit}`];
  if (known === undefined) {
    const title = titleCase(`${metric}${unit === '' || unit === 'count' ? '' : ` ${unit.replace(/_/g, ' ')}`}`);
    return { key: `system:${metric}|${unit}`, title, unit, section: 'system', order: 100, label: withRank(withContext(source, key), key) };
  }
  const [title, order, detail] = known;
  return { key: `system:${title}`, title, unit, section: 'system', order, label: withRank(withContext(detail ? `${source} ${detail}` : source, key), key) };
}
