// Real output of XGBoost and tqdm, generated at test time with Debian's /usr/bin/python3 (python3-xgboost,
// python3-tqdm; .ci/run installs them), read back exactly: every value printed, at its round or iteration.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parse } from '../helpers.js';

const python = '/usr/bin/python3';
const has = (module: string) => spawnSync(python, ['-c', `import ${module}`], { stdio: 'ignore' }).status === 0;

function run(code: string): { stdout: string; stderr: string } {
  const result = spawnSync(python, ['-c', code], { encoding: 'utf8', timeout: 120_000 });
  if (result.status !== 0) throw new Error(`python failed: ${result.stderr}`);
  return { stdout: result.stdout, stderr: result.stderr };
}

const data = 'from sklearn.datasets import make_classification\nX, y = make_classification(n_samples=300, random_state=0)\n';

describe.skipIf(!has('xgboost') || !has('sklearn'))('real XGBoost evaluation lines (skipped: python3-xgboost or python3-sklearn missing)', () => {
  it('xgb.train with named evals: every metric of every round, its dataset as the context (train, valid)', () => {
    // xgboost/python-package/xgboost/callback.py EvaluationMonitor: `[%d]\t%s-%s:%f` per dataset and metric.
    const { stdout } = run(
      `${data}import xgboost as xgb\nd = xgb.DMatrix(X[:200], label=y[:200]); v = xgb.DMatrix(X[200:], label=y[200:])\nxgb.train({"objective": "binary:logistic", "eval_metric": ["logloss", "error"]}, d, 6, evals=[(d, "train"), (v, "valid")])\n`,
    );
    const printed = [...stdout.matchAll(/^\[(\d+)\]\t(.*)$/gm)].flatMap((m) =>
      (m[2] as string).split('\t').map((item) => {
        const [, dataset, metric, value] = /^(\w+)-(\w+):(\S+)$/.exec(item) as RegExpExecArray;
        return [metric, dataset === 'train' ? 'training' : 'validation', Number(m[1]), Number(value)];
      }),
    );
    expect(printed).toHaveLength(6 * 4);
    expect(parse(stdout).metrics.map((p) => [p.name, p.context, p.step, p.value])).toEqual(printed);
  });

  it('the sklearn API (validation_0, validation_1): one logloss series per dataset', () => {
    const { stdout } = run(
      `${data}import xgboost as xgb\nm = xgb.XGBClassifier(n_estimators=5, eval_metric="logloss")\nm.fit(X[:200], y[:200], eval_set=[(X[:200], y[:200]), (X[200:], y[200:])], verbose=True)\n`,
    );
    const printed = [...stdout.matchAll(/^\[(\d+)\]\tvalidation_0-logloss:(\S+)\tvalidation_1-logloss:(\S+)$/gm)];
    expect(printed).toHaveLength(5);
    const points = parse(stdout).metrics;
    expect(points.every((p) => p.name === 'logloss')).toBe(true);
    for (const [context, group] of [
      ['validation_0', 2],
      ['validation_1', 3],
    ] as const) {
      expect(points.filter((p) => p.context === context).map((p) => [p.step, p.value])).toEqual(printed.map((m) => [Number(m[1]), Number(m[group])]));
    }
  });
});

describe.skipIf(!has('tqdm'))('real tqdm bars (skipped: python3-tqdm missing)', () => {
  const code =
    'import sys\nfrom tqdm import tqdm\nbar = tqdm(range(40), file=sys.stderr, mininterval=0)\nfor i in bar:\n    bar.set_postfix(loss=1.0 / (i + 1))\n';

  it('records the final postfix value of a bar, at its last step', () => {
    const { stderr } = run(code);
    const last = parse(stderr).metrics.filter((p) => p.name === 'loss');
    expect(last.map((p) => [p.step, p.value])).toEqual([[40, 0.025]]);
  });

  it('with --per-batch, every redraw: the postfix as tqdm rounded it (3 significant digits), at the bar’s count', () => {
    const { stderr } = run(code);
    const redraws = [...stderr.matchAll(/ (\d+)\/40 [^\r]*loss=([\d.e-]+)\]/g)].map((m) => [Number(m[1]), Number(m[2])]);
    expect(redraws.length).toBeGreaterThanOrEqual(40);
    const points = parse(stderr, { perBatch: true }).metrics.filter((p) => p.name === 'loss');
    expect(points.map((p) => [p.step, p.value])).toEqual(redraws);
  });
});
