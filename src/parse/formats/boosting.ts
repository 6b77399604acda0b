// Gradient boosting evaluation logs. XGBoost: `[10]\tvalidation_0-logloss:0.12345\tvalidation_1-logloss:0.23456`
// (cv adds `+std`); LightGBM: `[10]\tvalid_0's binary_logloss: 0.123456` (cv: `cv_agg's valid binary_logloss: 0.3 +
// 0.01`, LightGBM 3 without `valid`). The bracketed iteration is the step.
// An XGBoost item is named by its metric (`logloss`), its dataset is its context: the sklearn API names its
// eval_set entries `validation_0`, `validation_1`, ... in order (xgboost/sklearn.py), whatever they hold (the
// first is often the training set), so those keep their own name as the context rather than a guess; `train`,
// `eval`, `test`, `valid` name theirs. One `logloss` chart then has a line per dataset.
import { contextFromName } from '../../model/context.js';
import { parseMetricNumber } from '../number.js';
import { type LineContext, type MetricOutput, metricOn } from './line.js';

const head = /^\[(\d+)\]\s+(\S.*)$/;
// Groups: dataset, cv's `train` or `valid`, metric, value (the mean, for cv).
const lightgbmItem = /^(\S+)'s ((?:(train|valid) )?\S+): ?(\S+)(?: \+ \S+)?$/;
const xgboostItem = /^([A-Za-z_][\w.@-]*?)-([^\s:]+):(\S+)$/;
const meanAndStd = /^([^+]+)\+([^+]+)$/;

/** The context a dataset name implies: `validation_0`, `valid_1`, `eval`, `test`, else training. */
function datasetContext(dataset: string): string {
  return contextFromName(`${dataset}_`);
}

const xgboostContexts = new Map([
  ['train', 'training'],
  ['training', 'training'],
  ['dtrain', 'training'],
  ['eval', 'evaluation'],
  ['test', 'testing'],
  ['dtest', 'testing'],
  ['val', 'validation'],
  ['valid', 'validation'],
  ['validation', 'validation'],
  ['dvalid', 'validation'],
]);

/** An XGBoost dataset's context: the one its name says, else the name itself (`validation_0`). */
function xgboostContext(dataset: string): string {
  return xgboostContexts.get(dataset.toLowerCase()) ?? dataset;
}

/** XGBoost's value, or the mean of cv's `mean+std`. */
function readXgboostValue(text: string): number | undefined {
  const value = parseMetricNumber(text);
  if (value !== undefined) return value;
  const pair = meanAndStd.exec(text);
  return pair ? parseMetricNumber(pair[1] as string) : undefined;
}

/** Reads an XGBoost or LightGBM iteration line. True when it was one. */
export function parseBoostingLine(text: string, at: LineContext, out: MetricOutput, enabled: { xgboost: boolean; lightgbm: boolean }): boolean {
  const match = head.exec(text.trimEnd());
  if (match === null) return false;
  const step = Number(match[1]);
  if (!Number.isSafeInteger(step)) return false;
  const rest = match[2] as string;
  // XGBoost and LightGBM separate items with tabs; without any, XGBoost's `name:value` items are split on spaces.
  const items = text.includes('\t') ? rest.split('\t') : rest.split(/\s+/);
  const points = [];
  for (const raw of items) {
    const item = raw.trim();
    if (item === '') continue;
    const lgb = enabled.lightgbm ? lightgbmItem.exec(item) : null;
    const xgb = lgb === null && enabled.xgboost ? xgboostItem.exec(item) : null;
    const value = lgb ? parseMetricNumber(lgb[4] as string) : xgb ? readXgboostValue(xgb[3] as string) : undefined;
    if (value === undefined) return false;
    const dataset = ((lgb ?? xgb) as RegExpExecArray)[1] as string;
    const point = lgb
      ? metricOn(at, 'lightgbm', `${dataset}'s ${lgb[2]}`, value, datasetContext(lgb[3] ?? dataset))
      : metricOn(at, 'xgboost', (xgb as RegExpExecArray)[2] as string, value, xgboostContext(dataset));
    point.step = step;
    points.push(point);
  }
  if (points.length === 0) return false;
  for (const point of points) out.metric(point);
  return true;
}
