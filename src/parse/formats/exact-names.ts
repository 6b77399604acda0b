// Precision wins over merging: a progress bar's postfix shows a value rounded for display (tqdm `loss=0.005`,
// Lightning's bar), so once a stream has printed a name in an exact format (a JSON line, a Hugging Face dict,
// Keras, a text line, a table), the bars' copies of that name are dropped instead of merged into its series.

const MAX_NAMES = 10_000;

/** The names a stream has printed exactly, per rank. */
export class ExactNames {
  private readonly byRank = new Map<number, Set<string>>();
  private lastRank: number | undefined = Number.NaN;
  private lastName = '';
  /** Goes up whenever names may have been forgotten: a name added at the same generation is still known. */
  generation = 0;

  /** `name` was printed exactly on rank `rank`'s lines. */
  add(rank: number | undefined, name: string): void {
    // Lines repeat their names: the same name as the point before costs a comparison.
    if (name === this.lastName && rank === this.lastRank) return;
    this.lastName = name;
    this.lastRank = rank;
    const key = rank ?? -1;
    let names = this.byRank.get(key);
    if (names === undefined) {
      if (this.byRank.size >= 1024) {
        this.byRank.clear();
        this.generation++;
      }
      names = new Set();
      this.byRank.set(key, names);
    }
    if (names.size >= MAX_NAMES) {
      names.clear();
      this.generation++;
    }
    names.add(name);
  }

  has(rank: number | undefined, name: string): boolean {
    return this.byRank.get(rank ?? -1)?.has(name) === true;
  }
}
