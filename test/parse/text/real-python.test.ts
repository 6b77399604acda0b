// Real output of scikit-learn's verbose estimators, generated at test time with /usr/bin/python3, read by the
// generic reader: sklearn/neural_network/_multilayer_perceptron.py (`Iteration %d, loss = %.8f`) and
// sklearn/linear_model/_sgd_fast.pyx (`-- Epoch %d`, then `Norm: ..., Avg. loss: %f`).
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parse } from '../helpers.js';

const python = '/usr/bin/python3';
const hasSklearn = spawnSync(python, ['-c', 'import sklearn'], { stdio: 'ignore' }).status === 0;

/** Runs a Python snippet and returns its stdout. */
function runPython(code: string): string {
  const result = spawnSync(python, ['-c', code], { encoding: 'utf8', timeout: 120_000 });
  if (result.status !== 0) throw new Error(`python failed: ${result.stderr}`);
  return result.stdout;
}

const data = 'from sklearn.datasets import make_classification\nX, y = make_classification(n_samples=300, random_state=0)\n';

describe.skipIf(!hasSklearn)('real scikit-learn verbose output (skipped: python3-sklearn is not installed here)', () => {
  it('reads every MLPClassifier(verbose=True) iteration loss, with its iteration as the step', () => {
    const out = runPython(
      `${data}import warnings\nwarnings.simplefilter('ignore')\nfrom sklearn.neural_network import MLPClassifier\nMLPClassifier(max_iter=15, verbose=True, random_state=0).fit(X, y)\n`,
    );
    const printed = [...out.matchAll(/^Iteration (\d+), loss = (\S+)$/gm)].map((m) => [Number(m[1]), Number(m[2])]);
    expect(printed.length).toBe(15);
    const points = parse(out).metrics.filter((p) => p.name === 'loss');
    expect(points.map((p) => [p.step, p.value])).toEqual(printed);
  });

  it('reads every SGDClassifier(verbose=1) epoch average loss, with the epoch from the line before', () => {
    const out = runPython(
      `${data}import warnings\nwarnings.simplefilter('ignore')\nfrom sklearn.linear_model import SGDClassifier\nSGDClassifier(max_iter=8, tol=None, verbose=1, random_state=0).fit(X, y)\n`,
    );
    const epochs = [...out.matchAll(/^-- Epoch (\d+)$/gm)].map((m) => Number(m[1]));
    const losses = [...out.matchAll(/Avg\. loss: (\S+)$/gm)].map((m) => Number(m[1]));
    expect(losses.length).toBe(8);
    const points = parse(out).metrics.filter((p) => p.name === 'Avg. loss');
    expect(points.map((p) => [p.epoch, p.value])).toEqual(epochs.map((e, i) => [e, losses[i]]));
  });
});
