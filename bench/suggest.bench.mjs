// Suggestions for an unknown run: a 15 KB id against 5,000 run names (issue 18 measured 7.8 s with an unbounded
// edit distance). Baseline: the same names suggested for a short id (what a typo costs), in the same process.
import { closestMatches } from '../dist/model/text.js';
import { median, report } from './lib.mjs';

const names = Array.from({ length: 5000 }, (_, i) => `resnet50-sweep-${i}-lr${(i % 7) / 10}`);
const time = (target) => {
  const runs = [];
  for (let i = 0; i < 5; i++) {
    const start = performance.now();
    closestMatches(target, names);
    runs.push(performance.now() - start);
  }
  return median(runs);
};
const shortMs = time('resnet50-swep-12');
const longMs = time('z'.repeat(15_000));
report({
  name: 'suggestions for a 15 KB id, 5,000 names',
  value: longMs,
  unit: 'ms',
  baseline: shortMs,
  ratio: longMs / shortMs,
  target: '< 5x a short id',
  ok: longMs / shortMs < 5,
});
