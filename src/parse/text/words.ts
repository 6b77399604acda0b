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
/** The words a first look at a line needs (see prescan.ts). */
export const KEY_WORDS = EPOCH | STEP | METRIC | UNIT | LEVEL;
/** The words that let a line give the text reader something (see prescan.ts's mayGiveText). */
export const GIVING_WORDS = EPOCH | STEP | METRIC | CONTEXTS;

const vocabulary: Array<[number, string]> = [
  [EPOCH, 'epoch ep'],
  [STEP, 'step iter iteration global_step episode'],
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

/** Each byte lower-cased (ASCII letters folded). */
export const LOWER = new Uint8Array(256);
for (let b = 0; b < 256; b++) LOWER[b] = b >= 0x41 && b <= 0x5a ? b + 0x20 : b;

/** The start of a word's hash; `hashStep` folds each byte in (FNV-1a over the lower-cased bytes). */
export const HASH_START = 0x811c9dc5;
export const hashStep = (h: number, b: number) => Math.imul(h ^ (LOWER[b] as number), 0x01000193);

function hashOf(buf: Uint8Array, start: number, end: number): number {
  let h = HASH_START;
  for (let i = start; i < end; i++) h = hashStep(h, buf[i] as number);
  return h >>> 0;
}

const TABLE_SIZE = 2048;

/** Words by the hash of their lower-cased bytes, in an open-addressed table (a Map lookup per word costs too much). */
class WordTable {
  /** Per slot: 1 + the word's index, or 0 when empty. */
  private readonly slots = new Uint16Array(TABLE_SIZE);
  private readonly hashes = new Uint32Array(TABLE_SIZE);
  private readonly words: Uint8Array[] = [];
  private readonly flagsOf: number[] = [];
  /** Per first byte (lower-cased), a bit per length up to MAX_WORD that some word has: most words are ruled out by it. */
  private readonly lengths = new Uint32Array(256);
  /** The same, for the words a first look at a line needs (KEY_WORDS). */
  private readonly keyLengths = new Uint32Array(256);
  /** The same, for GIVING_WORDS (whatever the order the vocabulary gives a word its flags in). */
  private readonly givingLengths = new Uint32Array(256);

  add(word: string, flags: number): void {
    const bytes = Buffer.from(word.toLowerCase(), 'utf8');
    const hash = hashOf(bytes, 0, bytes.length);
    const known = this.find(bytes, 0, bytes.length, hash);
    if (flags & GIVING_WORDS) this.givingLengths[bytes[0] as number] = (this.givingLengths[bytes[0] as number] as number) | (1 << bytes.length);
    if (known >= 0) {
      this.flagsOf[known] = (this.flagsOf[known] as number) | flags;
      return;
    }
    let slot = hash & (TABLE_SIZE - 1);
    while (this.slots[slot] !== 0) slot = (slot + 1) & (TABLE_SIZE - 1);
    this.words.push(bytes);
    this.flagsOf.push(flags);
    this.slots[slot] = this.words.length;
    this.hashes[slot] = hash;
    this.lengths[bytes[0] as number] = (this.lengths[bytes[0] as number] as number) | (1 << bytes.length);
    if (flags & KEY_WORDS) this.keyLengths[bytes[0] as number] = (this.keyLengths[bytes[0] as number] as number) | (1 << bytes.length);
  }

  /** Like `mayHave`, for the key words only. */
  mayBeKey(buf: Uint8Array, start: number, end: number): boolean {
    return end - start <= MAX_WORD && end > start && ((this.keyLengths[LOWER[buf[start] as number] as number] as number) & (1 << (end - start))) !== 0;
  }

  /** Like `mayHave`, for GIVING_WORDS only. */
  mayGive(buf: Uint8Array, start: number, end: number): boolean {
    return end - start <= MAX_WORD && end > start && ((this.givingLengths[LOWER[buf[start] as number] as number] as number) & (1 << (end - start))) !== 0;
  }

  /** Whether the table may hold the word `buf[start, end)`: false rules it out without hashing it. */
  mayHave(buf: Uint8Array, start: number, end: number): boolean {
    return end - start <= MAX_WORD && end > start && ((this.lengths[LOWER[buf[start] as number] as number] as number) & (1 << (end - start))) !== 0;
  }

  /** The flags of the word `buf[start, end)` whose hash is `hash` (hashOf), in any case; 0 for a word it does not know. */
  flags(buf: Uint8Array, start: number, end: number, hash: number): number {
    if (!this.mayHave(buf, start, end)) return 0;
    const index = this.find(buf, start, end, hash >>> 0);
    return index < 0 ? 0 : (this.flagsOf[index] as number);
  }

  /** The index of the word `buf[start, end)` with hash `hash`, or -1. */
  private find(buf: Uint8Array, start: number, end: number, hash: number): number {
    const length = end - start;
    for (let slot = hash & (TABLE_SIZE - 1); ; slot = (slot + 1) & (TABLE_SIZE - 1)) {
      const entry = this.slots[slot] as number;
      if (entry === 0) return -1;
      if (this.hashes[slot] !== hash) continue;
      const word = this.words[entry - 1] as Uint8Array;
      if (word.length !== length) continue;
      let i = 0;
      while (i < length) {
        let b = buf[start + i] as number;
        if (b >= 0x41 && b <= 0x5a) b += 0x20;
        if (b !== word[i]) break;
        i++;
      }
      if (i === length) return entry - 1;
    }
  }
}

const table = new WordTable();
for (const [flags, words] of vocabulary) for (const word of words.split(' ')) table.add(word, flags);

/** The flags of the word `buf[start, end)`. */
export function wordFlags(buf: Uint8Array, start: number, end: number): number {
  return table.mayHave(buf, start, end) ? table.flags(buf, start, end, hashOf(buf, start, end)) : 0;
}

/** The flags of the word `buf[start, end)` when it is a key word (KEY_WORDS), else 0 or its flags: cheaper on other words. */
export function keyWordFlags(buf: Uint8Array, start: number, end: number): number {
  return table.mayBeKey(buf, start, end) ? table.flags(buf, start, end, hashOf(buf, start, end)) : 0;
}

/** The GIVING_WORDS flags of the word `buf[start, end)`: cheaper than `wordFlags` on the many words without them. */
export function givingWordFlags(buf: Uint8Array, start: number, end: number): number {
  return table.mayGive(buf, start, end) ? table.flags(buf, start, end, hashOf(buf, start, end)) & GIVING_WORDS : 0;
}

/** The flags of the word `buf[start, end)` whose hash a scan has folded already (`hashStep` from `HASH_START`). */
export function hashedWordFlags(buf: Uint8Array, start: number, end: number, hash: number): number {
  return table.flags(buf, start, end, hash);
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
