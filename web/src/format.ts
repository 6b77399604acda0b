// Formatting for people: metric values, units, durations and times.

/** A metric value as JSON carries it, back to a number. */
export function decodeValue(value: number | string | null | undefined): number {
  if (typeof value === 'number') return value;
  if (value === 'Infinity') return Number.POSITIVE_INFINITY;
  if (value === '-Infinity') return Number.NEGATIVE_INFINITY;
  return Number.NaN;
}

// Intl formatters are made once: `toLocaleString(locale, options)` builds one per call, which made formatting the
// runs table's cells most of the time a keystroke in its filter took.
const integers = new Intl.NumberFormat('en-US');
const decimals = new Intl.NumberFormat('en-US', { maximumFractionDigits: 8 });
const dateTimes = new Intl.DateTimeFormat(undefined, {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});
const clocks = new Intl.DateTimeFormat(undefined, { hour12: false, hour: '2-digit', minute: '2-digit', second: '2-digit' });
const dates = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
const days = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });

/** A metric value with enough digits to be exact for the eye: 0.2314, 1.25e-5, 12,345. */
export function formatNumber(value: number, digits = 4): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '−∞';
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs >= 1e6 || abs < 1e-4) return value.toExponential(digits - 2).replace('e+', 'e');
  if (Number.isInteger(value)) return integers.format(value);
  return decimals.format(Number(value.toPrecision(digits)));
}

/** A short axis tick: 1.5k, 2M, 0.25. */
export function formatCompact(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 1e9) return `${trim(value / 1e9)}B`;
  if (abs >= 1e6) return `${trim(value / 1e6)}M`;
  if (abs >= 1e4) return `${trim(value / 1e3)}k`;
  if (abs !== 0 && abs < 1e-4) return value.toExponential(1).replace('e+', 'e');
  return trim(value);
}

const trim = (value: number) => String(Number(value.toPrecision(3)));

function scaled(value: number, steps: readonly string[], base: number): string {
  let v = value;
  let i = 0;
  while (Math.abs(v) >= base && i < steps.length - 1) {
    v /= base;
    i++;
  }
  return `${Number(v.toPrecision(3))} ${steps[i]}`;
}

/** A value in a series' unit, as the series names carry them: `percent`, `bytes`, `watts`, ... */
export function formatUnit(value: number, unit: string): string {
  if (!Number.isFinite(value)) return formatNumber(value);
  switch (unit) {
    case 'percent':
      return `${Number(value.toPrecision(3))}%`;
    case 'bytes':
      return scaled(value, ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'], 1024);
    case 'bytes_per_s':
      return `${scaled(value, ['B', 'KiB', 'MiB', 'GiB', 'TiB'], 1024)}/s`;
    case 'watts':
      return `${Number(value.toPrecision(3))} W`;
    case 'celsius':
      return `${Number(value.toPrecision(3))} °C`;
    case 'joules':
      return scaled(value, ['J', 'kJ', 'MJ', 'GJ'], 1000);
    case 'flops':
      return scaled(value, ['FLOP', 'kFLOP', 'MFLOP', 'GFLOP', 'TFLOP', 'PFLOP', 'EFLOP'], 1000);
    case 'count':
      return formatNumber(value);
    default:
      return formatNumber(value);
  }
}

/** Units shown with a scaled prefix, and the step between prefixes. */
const scales: Record<string, { base: number; names: readonly string[]; suffix?: string }> = {
  bytes: { base: 1024, names: ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'] },
  bytes_per_s: { base: 1024, names: ['B', 'KiB', 'MiB', 'GiB', 'TiB'], suffix: '/s' },
  joules: { base: 1000, names: ['J', 'kJ', 'MJ', 'GJ'] },
  flops: { base: 1000, names: ['FLOP', 'kFLOP', 'MFLOP', 'GFLOP', 'TFLOP', 'PFLOP', 'EFLOP'] },
};

/**
 * Axis ticks in a unit. Scaled units take one prefix for the whole axis, chosen by its largest tick, so that the
 * ticks read 0, 0.25, 0.5 GiB rather than mixing MiB and GiB.
 */
export function formatTicks(ticks: number[], unit: string): string[] {
  const scale = scales[unit];
  if (scale) {
    const largest = Math.max(...ticks.map(Math.abs));
    let i = 0;
    while (largest >= scale.base ** (i + 1) && i < scale.names.length - 1) i++;
    // Binary axes tick at powers of two: a step under a quarter of the prefix reads better one prefix down
    // (1088 MiB, not 1.062 GiB).
    const step = ticks.length > 1 ? Math.abs((ticks[1] as number) - (ticks[0] as number)) : 0;
    while (scale.base === 1024 && i > 0 && step > 0 && step < scale.base ** i / 4) i--;
    const divisor = scale.base ** i;
    return ticks.map((t) => (t === 0 ? '0' : `${Number((t / divisor).toPrecision(4))} ${scale.names[i]}${scale.suffix ?? ''}`));
  }
  if (unit === 'percent') return ticks.map((t) => `${Number(t.toPrecision(4))}%`);
  if (unit === 'watts') return ticks.map((t) => `${formatCompact(t)} W`);
  if (unit === 'celsius') return ticks.map((t) => `${formatCompact(t)} °C`);
  return ticks.map(formatCompact);
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/** Wall-clock axis ticks (x in seconds): seconds when the axis spans minutes, the date when it spans days. */
export function formatTimeTicks(ticks: number[], step: number): string[] {
  return ticks.map((t) => {
    const d = new Date(t * 1000);
    const clock = `${pad2(d.getHours())}:${pad2(d.getMinutes())}`;
    if (step < 1)
      return `${pad2(d.getMinutes())}:${pad2(d.getSeconds())}.${String(d.getMilliseconds())
        .padStart(3, '0')
        .slice(0, step < 0.1 ? 3 : 1)}`;
    if (step < 60) return `${clock}:${pad2(d.getSeconds())}`;
    if (step < 86_400) return clock;
    return days.format(d);
  });
}

/** A duration: 850 ms, 42 s, 3m 05s, 2h 14m, 3d 4h. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  const hours = Math.floor(m / 60);
  if (hours < 24) return `${hours}h ${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(hours / 24)}d ${hours % 24}h`;
}

/** Seconds since a run's start, as an axis tick: 0s, 45s, 2m, 1h 30m. */
export function formatElapsed(seconds: number): string {
  if (seconds < 0) return `−${formatElapsed(-seconds)}`;
  if (seconds < 60) return `${Number(seconds.toPrecision(3))}s`;
  const m = Math.floor(seconds / 60);
  const s = Math.round(seconds % 60);
  if (m < 60) return s === 0 ? `${m}m` : `${m}m ${s}s`;
  const h = Math.floor(m / 60);
  return m % 60 === 0 ? `${h}h` : `${h}h ${m % 60}m`;
}

/** A moment as local date and time, for titles. */
export function formatDateTime(ms: number): string {
  return dateTimes.format(ms);
}

/** A clock time with seconds, for the log's gutter: 14:03:07. */
export function formatClock(ms: number): string {
  return clocks.format(ms);
}

/** How long ago: just now, 5 min ago, 3 h ago, then the date. */
export function formatAgo(ms: number, now = Date.now()): string {
  const s = Math.round((now - ms) / 1000);
  if (s < 10) return 'just now';
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`;
  if (s < 7 * 86_400) return `${Math.floor(s / 86_400)} d ago`;
  return dates.format(ms);
}

/** A command line as one string, quoting arguments that need it. */
export function formatCommand(command: readonly string[]): string {
  return command.map((arg) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`)).join(' ');
}
