/** prov4ml's contexts. Any other string is allowed too. */
export const Context = {
  TRAINING: 'training',
  VALIDATION: 'validation',
  TESTING: 'testing',
  EVALUATION: 'evaluation',
} as const;

export type KnownContext = (typeof Context)[keyof typeof Context];

// Each ends with `_` (Keras, Hugging Face: `val_loss`) or `/` (TensorBoard-style names: `val/loss`).
const prefixContexts: ReadonlyArray<readonly [string, KnownContext]> = [
  ['val_', Context.VALIDATION],
  ['valid_', Context.VALIDATION],
  ['validation_', Context.VALIDATION],
  ['eval_', Context.EVALUATION],
  ['test_', Context.TESTING],
  ['val/', Context.VALIDATION],
  ['valid/', Context.VALIDATION],
  ['validation/', Context.VALIDATION],
  ['eval/', Context.EVALUATION],
  ['test/', Context.TESTING],
];

const trainingPrefixes = ['train_', 'training_', 'train/', 'training/'];

/** The context a metric name implies: `val_loss` and `val/loss` are validation, `eval_` evaluation, `test_` testing; else training. */
export function contextFromName(name: string): string {
  for (const [prefix, context] of prefixContexts) {
    if (name.startsWith(prefix)) return context;
  }
  return Context.TRAINING;
}

/** The metric a prefixed name belongs to, so `val_loss` and `val/loss` chart with `loss`. */
export function baseMetricName(name: string): string {
  for (const [prefix] of prefixContexts) {
    if (name.startsWith(prefix) && name.length > prefix.length) return name.slice(prefix.length);
  }
  for (const prefix of trainingPrefixes) {
    if (name.startsWith(prefix) && name.length > prefix.length) return name.slice(prefix.length);
  }
  return name;
}
