/** Time spans (in samples) collected in a bounded list: neighbours closer than a gap merge, and the gap doubles
 *  whenever the list would outgrow its cap, so memory stays constant however many spans a file has. Pure. */
export class RegionList {
  private starts: number[] = [];
  private ends: number[] = [];

  constructor(
    readonly cap: number,
    private gap: number,
  ) {}

  get length(): number {
    return this.starts.length;
  }

  add(start: number, end: number): void {
    const n = this.starts.length;
    if (n > 0 && start <= this.ends[n - 1]! + this.gap) {
      if (end > this.ends[n - 1]!) this.ends[n - 1] = end;
      if (start < this.starts[n - 1]!) this.starts[n - 1] = start;
      return;
    }
    this.starts.push(start);
    this.ends.push(end);
    while (this.starts.length > this.cap) {
      this.gap = Math.max(1, this.gap * 2);
      this.remerge();
    }
  }

  clear(): void {
    this.starts = [];
    this.ends = [];
  }

  private remerge(): void {
    const s: number[] = [], e: number[] = [];
    for (let i = 0; i < this.starts.length; i++) {
      const k = s.length;
      if (k > 0 && this.starts[i]! <= e[k - 1]! + this.gap) e[k - 1] = Math.max(e[k - 1]!, this.ends[i]!);
      else {
        s.push(this.starts[i]!);
        e.push(this.ends[i]!);
      }
    }
    this.starts = s;
    this.ends = e;
  }

  spans(): [number, number][] {
    return this.starts.map((s, i) => [s, this.ends[i]!]);
  }
}

/** Sorted union of spans, merging those closer than `gap`. */
export function mergeSpans(spans: [number, number][], gap: number): [number, number][] {
  const sorted = [...spans].sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [s, e] of sorted) {
    const last = out[out.length - 1];
    if (last && s <= last[1] + gap) last[1] = Math.max(last[1], e);
    else out.push([s, e]);
  }
  return out;
}
