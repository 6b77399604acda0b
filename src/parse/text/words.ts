// The words the text reader knows: markers of the x (epoch, step), words that make a name a metric's, words of
// ordinary sentences, units, and the words that name a context. Looked up from bytes, case-insensitively, without
// making a string: a log's lines are mostly words the reader has no use for.

/** What a word is to the text reader (a word may be several of these). */
export const EPOCH = 1;
export const STEP = 2;
/** A word that makes a name a training metric's (`loss`, `acc`, `ppl`, `mfu`, ...). */
export const METRIC = 4;
/** A word of ordinary sentences: never a metric's name on its own (`of`, `from`, `took`, ...). */
export const STOP = 8;
/** A unit printed after a number (`ms`, `GiB`, `%`, `tok/s`, ...). */
export const UNIT = 16;
export const TRAINING = 32;
export const VALIDATION = 64;
export const EVALUATION = 128;
export const TESTING = 256;
/** A logging level (`INFO`, `WARNING`): part of a prefix, never a label. */
export const LEVEL = 512;
/** A value that is not a number: `True`, `None`, ... (a configuration printed, not metrics). */
export const NOT_NUMBER = 1024;

export const CONTEXTS = TRAINING | VALIDATION | EVALUATION | TESTING;

const vocabulary: Array<[number, string]> = [
  [EPOCH, 'epoch ep'],
  [STEP, 'step iter iteration global_step'],
  [
    METRIC,
    'loss losses nll ce acc accuracy top1 top5 ppl perplexity lr f1 auc roc bleu rouge mse mae rmse logloss map iou miou ' +
      'dice precision recall reward rewards return score wer cer mfu tflops tps wps ups throughput entropy kl norm gnorm ' +
      'grad psnr ssim fid bpc bpb elbo mape r2',
  ],
  [
    STOP,
    'a an the of to in on at by for from with into onto than and or is are was were be been has have had took take ' +
      'after before since until as via using used use done finished saved saving save loading loaded load found ' +
      'please not no you your we our this that it its if then when while will would can could should may might ' +
      'improved reducing reduced total about into out up down shard worker rank pid port line file version',
  ],
  [
    UNIT,
    'ms s sec secs second seconds us µs ns min mins minutes h hr hrs hours % b kb mb gb tb kib mib gib tib k m g t ' +
      'it/s s/it tok/s tokens/s token/s samples/s sample/s img/s images/s steps/s step/s ex/s examples/s seq/s ' +
      'tflops tflop/s gflops gflop/s flops pflops w j x',
  ],
  [TRAINING, 'train training'],
  [VALIDATION, 'val valid validation validate validating'],
  [EVALUATION, 'eval evaluation evaluate evaluating'],
  [TESTING, 'test testing'],
  [LEVEL, 'info warning warn error debug critical fatal notice trace'],
  [NOT_NUMBER, 'true false none null undefined yes no'],
];

const MAX_WORD = 24;

/** FNV-1a over the lower-cased bytes `buf[start, end)` (ASCII letters folded). */
function hashOf(buf: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) {
    let b = buf[i] as number;
    if (b >= 0x41 && b <= 0x5a) b += 0x20;
    h = Math.imul(h ^ b, 0x01000193);
  }
  return h >>> 0;
}

interface Entry {
  bytes: Uint8Array;
  flags: number;
}

/** Words by the hash of their lower-cased bytes. */
class WordTable {
  private readonly entries = new Map<number, Entry[]>();

  add(word: string, flags: number): void {
    const bytes = Buffer.from(word.toLowerCase(), 'utf8');
    const hash = hashOf(bytes, 0, bytes.length);
    const list = this.entries.get(hash) ?? [];
    const same = list.find((entry) => Buffer.compare(entry.bytes, bytes) === 0);
    if (same !== undefined) same.flags |= flags;
    else list.push({ bytes, flags });
    this.entries.set(hash, list);
  }

  /** The flags of the word `buf[start, end)`, in any case; 0 for a word it does not know. */
  flags(buf: Uint8Array, start: number, end: number): number {
    if (end - start > MAX_WORD || end <= start) return 0;
    const list = this.entries.get(hashOf(buf, start, end));
    if (list === undefined) return 0;
    for (const entry of list) {
      if (entry.bytes.length !== end - start) continue;
      let i = 0;
      while (i < entry.bytes.length) {
        let b = buf[start + i] as number;
        if (b >= 0x41 && b <= 0x5a) b += 0x20;
        if (b !== entry.bytes[i]) break;
        i++;
      }
      if (i === entry.bytes.length) return entry.flags;
    }
    return 0;
  }
}

const table = new WordTable();
for (const [flags, words] of vocabulary) for (const word of words.split(' ')) table.add(word, flags);

/** The flags of the word `buf[start, end)`. */
export function wordFlags(buf: Uint8Array, start: number, end: number): number {
  return table.flags(buf, start, end);
}

/** Separates the parts of a name: `val_loss`, `accuracy/top1`, `Acc@1`, `loss-cls`, `Avg. loss`. */
const isPartSeparator = (b: number) => b === 0x5f || b === 0x2f || b === 0x2d || b === 0x2e || b === 0x40 || b === 0x20 || b === 0x28 || b === 0x29;
const isDigit = (b: number) => b >= 0x30 && b <= 0x39;

/**
 * The flags of a name's parts together (`train_loss`: TRAINING | METRIC), each part looked up as printed and without
 * its trailing digits (`top1`, `mAP50`). Only the first part names a context: `val loss` is validation, `loss of
 * val` is not.
 */
export function nameFlags(buf: Uint8Array, start: number, end: number): number {
  let flags = 0;
  let partStart = start;
  let firstPart = true;
  for (let i = start; i <= end; i++) {
    if (i < end && !isPartSeparator(buf[i] as number)) continue;
    if (i > partStart) {
      let part = wordFlags(buf, partStart, i);
      let digits = i;
      while (digits > partStart && isDigit(buf[digits - 1] as number)) digits--;
      if (digits < i && digits > partStart) part |= wordFlags(buf, partStart, digits);
      flags |= firstPart ? part : part & ~CONTEXTS;
      firstPart = false;
    }
    partStart = i + 1;
  }
  return flags;
}

/** The context that context flags name, or undefined. */
export function contextOf(flags: number): string | undefined {
  if (flags & VALIDATION) return 'validation';
  if (flags & EVALUATION) return 'evaluation';
  if (flags & TESTING) return 'testing';
  if (flags & TRAINING) return 'training';
  return undefined;
}
