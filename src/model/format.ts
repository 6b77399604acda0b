/** A duration for people: `850ms`, `12.3s`, `4m05s`, `2h03m`, `3d04h`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '-';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)}s`;
  const pad = (n: number) => String(Math.floor(n)).padStart(2, '0');
  if (s < 3600) return `${Math.floor(s / 60)}m${pad(s % 60)}s`;
  if (s < 86400) return `${Math.floor(s / 3600)}h${pad((s % 3600) / 60)}m`;
  return `${Math.floor(s / 86400)}d${pad((s % 86400) / 3600)}h`;
}

/** A metric value for people: up to 4 significant digits, exponent form for tiny or huge values; NaN and inf as such. */
export function formatValue(value: number | null | undefined): string {
  if (value === null || value === undefined) return '-';
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs >= 1e6 || abs < 1e-3) return value.toExponential(3).replace(/\.?0+e/, 'e');
  if (Number.isInteger(value)) return String(value);
  return String(Number(value.toPrecision(4)));
}

/** A byte count for people: `512 B`, `1.5 KB`, `3.2 GB` (powers of 1024). */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return formatValue(bytes);
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/** The unit a series' values are in: its `unit` label, else what its name ends with (`_bytes`, `_percent`, ...). */
function seriesUnit(series: { name: string; unit?: string }): string {
  if (series.unit !== undefined && series.unit !== '') return series.unit;
  const suffix = /_(bytes_per_s|bytes|percent|seconds|ms|watts|celsius)(?:_max)?$/.exec(series.name);
  return suffix?.[1] ?? '';
}

/** A series value for people, in its unit: `250.7 MB`, `1.2 MB/s`, `87.5%`, `4m05s`, `210 W`; plain otherwise. */
export function formatSeriesValue(series: { name: string; unit?: string }, value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return formatValue(value);
  switch (seriesUnit(series)) {
    case 'bytes':
    case 'B':
      return formatBytes(value);
    case 'bytes_per_s':
    case 'B/s':
      return `${formatBytes(value)}/s`;
    case 'percent':
    case '%':
      return `${formatValue(value)}%`;
    case 'seconds':
    case 's':
      return formatDuration(value * 1000);
    case 'ms':
      return formatDuration(value);
    case 'watts':
    case 'W':
      return `${formatValue(value)} W`;
    case 'celsius':
    case '°C':
      return `${formatValue(value)} °C`;
    default:
      return formatValue(value);
  }
}
