/** A fixed-range histogram of levels in dB: percentiles in constant memory (resolution: the bin width). Pure. */
export class DbHistogram {
  private readonly counts: Float64Array;
  total = 0;

  constructor(
    readonly lo: number,
    readonly hi: number,
    readonly step: number,
  ) {
    this.counts = new Float64Array(Math.ceil((hi - lo) / step));
  }

  /** values outside [lo, hi) count in the first or last bin */
  add(db: number): void {
    const i = Math.floor((db - this.lo) / this.step);
    this.counts[i < 0 ? 0 : i >= this.counts.length ? this.counts.length - 1 : i]! += 1;
    this.total++;
  }

  /** The p-th percentile (0–100) as the centre of the bin where the cumulative count reaches p % (null: empty). */
  percentile(p: number): number | null {
    if (this.total === 0) return null;
    const want = Math.max(1, (p / 100) * this.total);
    let cum = 0;
    for (let i = 0; i < this.counts.length; i++) {
      cum += this.counts[i]!;
      if (cum >= want) return this.lo + (i + 0.5) * this.step;
    }
    return this.hi - this.step / 2;
  }
}
