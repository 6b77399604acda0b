/** How many rejected lines are reported in full before they are only counted. */
const IN_FULL = 20;
/** How often a count of the lines rejected since is reported, once past IN_FULL. */
const EVERY_MS = 60_000;

/**
 * Bounds what rejected lines cost: the first 20 are said in full with their line numbers, then one line a minute
 * with a count, and the total at the end. Memory stays constant whatever the job prints.
 */
export class RejectedLines {
  private total = 0;
  private sinceReport = 0;
  private lastReport = 0;

  constructor(
    private readonly say: (message: string) => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** A line that looked like a metric was rejected. */
  add(stream: string, line: number, message: string): void {
    this.total++;
    if (this.total <= IN_FULL) {
      this.say(`${stream} line ${line}: ${message}`);
      if (this.total === IN_FULL) this.lastReport = this.now();
      return;
    }
    this.sinceReport++;
    const now = this.now();
    if (now - this.lastReport >= EVERY_MS) {
      this.say(
        `${this.sinceReport} more lines that look like metrics were rejected in the last ${Math.round((now - this.lastReport) / 1000)} s (latest: ${stream} line ${line}: ${message})`,
      );
      this.sinceReport = 0;
      this.lastReport = now;
    }
  }

  /** The closing count, when lines were rejected past those said in full. */
  summary(): string | undefined {
    if (this.total <= IN_FULL) return undefined;
    return `${this.total} lines that look like metrics were rejected in all; \`runmeter parse\` on the run's output lists them`;
  }
}
