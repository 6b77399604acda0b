import fc from 'fast-check';

/** Value texts as Hugging Face dict lines print them, and the odd ones a reader must survive. */
const valueTexts = [
  '0.6943',
  '4.531e-05',
  '1e-05',
  '2.0',
  '-0',
  '1.',
  '.5',
  '+1',
  '1e400',
  'nan',
  '-inf',
  '0.14285714285714285',
  'True',
  'None',
  "'x'",
  ' 1 ',
  '[1, 2]',
  'np.float64(0.85)',
  'np.float32(0.50)',
  "tensor(0.5, device='cuda:0')",
  "tensor(-0.0, device='cuda:0')",
];

const keys = ['loss', 'epoch', 'step', 'eval_loss', 'test_acc', 'learning_rate', 'grad_norm', ' ', "it's", 'a"b', 'é'];

/** Dict lines of any shape: `{'loss': 0.69, 'epoch': 0.25}` and stranger, some quoted as transformers 5 does. */
export function hfDictLines(options: { minEntries: number; separators?: string[]; tails?: string[] }): fc.Arbitrary<string> {
  const value = fc.oneof(
    fc.double({ noNaN: true }).map((d) => (Number.isFinite(d) ? String(d) : 'inf')),
    fc.integer({ min: -3, max: 3 }).map(String),
    fc.constantFrom(...valueTexts),
  );
  const entry = fc.tuple(fc.constantFrom(...keys), value, fc.boolean());
  const text = ([k, v, quoted]: [string, string, boolean]) => `${k.includes("'") ? `"${k}"` : `'${k}'`}: ${quoted && !v.startsWith("'") ? `'${v}'` : v}`;
  return fc
    .tuple(
      fc.array(entry, { minLength: options.minEntries, maxLength: 6 }),
      fc.constantFrom(...(options.separators ?? [', '])),
      fc.constantFrom(...(options.tails ?? [''])),
    )
    .map(([entries, separator, tail]) => `{${entries.map(text).join(separator)}}${tail}`);
}
