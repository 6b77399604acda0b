import { describe, expect, it } from 'vitest';
import { parse } from '../helpers.js';

describe('XGBoost and LightGBM evaluation lines', () => {
  it('reads XGBoost, named by its metric, with the bracketed iteration as the step and the dataset as the context', () => {
    const { metrics } = parse('[0]\tvalidation_0-logloss:0.66384\tvalidation_1-logloss:0.66540\n[10]\ttrain-rmse:17.50000+0.10000\teval-auc:0.9\n');
    // The sklearn API's eval_set entries keep their own names: validation_0 is whatever was passed first.
    expect(metrics.map((m) => [m.name, m.value, m.step, m.context, m.format])).toEqual([
      ['logloss', 0.66384, 0, 'validation_0', 'xgboost'],
      ['logloss', 0.6654, 0, 'validation_1', 'xgboost'],
      ['rmse', 17.5, 10, 'training', 'xgboost'],
      ['auc', 0.9, 10, 'evaluation', 'xgboost'],
    ]);
  });

  it("reads LightGBM's dataset's metric: value items", () => {
    const { metrics } = parse("[10]\tvalid_0's binary_logloss: 0.123456\tvalid_0's auc: 0.95\n[20]\ttraining's l2: 3.5\n");
    expect(metrics.map((m) => [m.name, m.value, m.step, m.context, m.format])).toEqual([
      ["valid_0's binary_logloss", 0.123456, 10, 'validation', 'lightgbm'],
      ["valid_0's auc", 0.95, 10, 'validation', 'lightgbm'],
      ["training's l2", 3.5, 20, 'training', 'lightgbm'],
    ]);
  });

  it('leaves LightGBM info lines and other bracketed text alone', () => {
    expect(parse('[LightGBM] [Info] Number of positive: 3, number of negative: 5\n[1] done in 3s\n[2]\tnot:a:metric\n').metrics).toEqual([]);
  });

  it("reads LightGBM cv's mean + std as the mean, as LightGBM 3 and 4 print it", () => {
    const { metrics } = parse(
      "[5]\tcv_agg's binary_logloss: 0.3 + 0.01\n[6]\tcv_agg's train binary_logloss: 0.25 + 0.02\tcv_agg's valid binary_logloss: 0.35 + 0.03\n",
    );
    expect(metrics.map((m) => [m.name, m.value, m.step, m.context, m.format])).toEqual([
      ["cv_agg's binary_logloss", 0.3, 5, 'training', 'lightgbm'],
      ["cv_agg's train binary_logloss", 0.25, 6, 'training', 'lightgbm'],
      ["cv_agg's valid binary_logloss", 0.35, 6, 'validation', 'lightgbm'],
    ]);
  });
});
