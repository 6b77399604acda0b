const decimal = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

const special: Record<string, number> = {
  nan: Number.NaN,
  '-nan': Number.NaN,
  inf: Number.POSITIVE_INFINITY,
  '+inf': Number.POSITIVE_INFINITY,
  '-inf': Number.NEGATIVE_INFINITY,
  infinity: Number.POSITIVE_INFINITY,
  '+infinity': Number.POSITIVE_INFINITY,
  '-infinity': Number.NEGATIVE_INFINITY,
};

/** True when `text` is digits with at most one `.` and nothing else: the common case, checked without a regex. */
function isPlainDecimal(text: string): boolean {
  let dots = 0;
  let digits = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) digits++;
    else if (c === 0x2e && ++dots === 1) continue;
    else return false;
  }
  return digits > 0;
}

/**
 * A metric value as logs print it: `0.4097`, `1.0000e-04`, `1654`, `nan`, `inf`, `-inf`, `NaN`, `Infinity`.
 * Undefined for anything else, so `0s`, `12ms/step` or `ok` are never taken for numbers.
 */
export function parseMetricNumber(text: string): number | undefined {
  if (isPlainDecimal(text) || decimal.test(text)) return Number(text);
  if (text.length > 9) return undefined;
  return special[text.toLowerCase()];
}

/** Metric names as printed by the formats that name metrics freely: a letter or `_` first, no spaces. */
export const metricNamePattern = /^[A-Za-z_][\w./@-]*$/;
