/**
 * What a running job says about itself: `report.progress(done, total, stage)`, `report.log(level, msg)`,
 * `report.metric({...})`. Calls return at once; events are written in order, in batches at most every
 * `intervalMs`, and consecutive progress calls collapse into the newest, so a tight loop cannot flood
 * the database. Progress also updates the Job row (progress 0..1, stage, ETA from recent throughput).
 */
import { db, type Db } from "./db";
import { appendJobEvents, type NewJobEvent } from "./job-events";
import { isConnectionError } from "./db-outage";
import { roundProgress } from "./format";

export type LogLevel = "debug" | "info" | "warn" | "error";

export interface ProgressData {
  done: number;
  total: number;
  stage: string | null;
  percent: number;
  etaSeconds: number | null;
  /** units per second over the recent window */
  rate: number | null;
  unit: string | null;
}

/** Throughput and ETA from (time, done) samples of the last `windowMs`. Pure, for tests. */
export class ThroughputWindow {
  private samples: { t: number; done: number }[] = [];
  constructor(private readonly windowMs = 30_000) {}

  add(t: number, done: number): { rate: number | null; etaFor: (remaining: number) => number | null } {
    // a restart of the count (new stage) starts a new window
    if (this.samples.length && done < this.samples[this.samples.length - 1]!.done) this.samples = [];
    this.samples.push({ t, done });
    while (this.samples.length > 2 && t - this.samples[0]!.t > this.windowMs) this.samples.shift();
    const first = this.samples[0]!;
    const dt = (t - first.t) / 1000;
    const rate = dt >= 0.5 && done > first.done ? (done - first.done) / dt : null;
    return { rate, etaFor: (remaining) => (rate ? Math.round(remaining / rate) : null) };
  }
}

export interface ReporterOptions {
  intervalMs?: number;
  /** queued log lines beyond this are dropped (and the drop is reported) */
  maxQueued?: number;
  now?: () => number;
}

export class JobReporter {
  private queue: NewJobEvent[] = [];
  private timer: NodeJS.Timeout | undefined;
  private saidDbDown = false;
  private writing: Promise<void> = Promise.resolve();
  private lastFlush = 0;
  private dropped = 0;
  private closed = false;
  private readonly window = new ThroughputWindow();
  private latest: ProgressData | undefined;
  private readonly intervalMs: number;
  private readonly maxQueued: number;
  private readonly now: () => number;

  constructor(
    readonly jobId: string,
    private readonly prisma: Db = db(),
    opts: ReporterOptions = {},
  ) {
    this.intervalMs = opts.intervalMs ?? 250;
    this.maxQueued = opts.maxQueued ?? 5000;
    this.now = opts.now ?? Date.now;
  }

  progress(rawDone: number, rawTotal: number, stage?: string, unit?: string): void {
    // stored and streamed as shown: 306.04947845804986 s is 306 s
    const [done, total] = [roundProgress(rawDone), roundProgress(rawTotal)];
    const safeTotal = total > 0 ? total : 1;
    const { rate, etaFor } = this.window.add(this.now(), done);
    const data: ProgressData = {
      done,
      total,
      stage: stage ?? this.latest?.stage ?? null,
      percent: Math.max(0, Math.min(100, (done / safeTotal) * 100)),
      etaSeconds: done >= total ? 0 : etaFor(total - done),
      rate,
      unit: unit ?? null,
    };
    this.latest = data;
    const last = this.queue[this.queue.length - 1];
    const event: NewJobEvent = { kind: "progress", data: { ...data } };
    if (last?.kind === "progress") this.queue[this.queue.length - 1] = event;
    else this.queue.push(event);
    this.schedule(done >= total);
  }

  log(level: LogLevel, message: string): void {
    if (this.queue.length >= this.maxQueued) {
      this.dropped++;
      return;
    }
    this.queue.push({ kind: "log", level, message });
    this.schedule(false);
  }

  metric(values: Record<string, unknown>): void {
    this.queue.push({ kind: "metric", data: values });
    this.schedule(false);
  }

  /** The last progress reported (for the final Job row update). */
  get lastProgress(): ProgressData | undefined {
    return this.latest;
  }

  /** Write everything queued so far; resolves when it is in the database. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.writing = this.writing.then(() => this.write()).catch((err) => {
      // while Postgres is away every batch fails the same way: say it once per job, not once per batch
      if (isConnectionError(err)) {
        if (!this.saidDbDown) console.error(`[report] job ${this.jobId}: could not write events: the database is unreachable`);
        this.saidDbDown = true;
        return;
      }
      console.error(`[report] job ${this.jobId}: could not write events: ${(err as Error).message}`);
    });
    return this.writing;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
  }

  private schedule(urgent: boolean): void {
    if (this.closed) return;
    if (urgent) {
      void this.flush();
      return;
    }
    if (this.timer) return;
    const wait = Math.max(0, this.lastFlush + this.intervalMs - this.now());
    this.timer = setTimeout(() => void this.flush(), wait);
  }

  private async write(): Promise<void> {
    this.lastFlush = this.now();
    const batch = this.queue;
    this.queue = [];
    if (this.dropped > 0) {
      batch.push({ kind: "log", level: "warn", message: `${this.dropped} log line(s) dropped: the job logged faster than they can be stored` });
      this.dropped = 0;
    }
    if (batch.length === 0) return;
    await appendJobEvents(this.jobId, batch, this.prisma);
    const progress = [...batch].reverse().find((e) => e.kind === "progress")?.data as ProgressData | undefined;
    if (progress) {
      await this.prisma.job.update({
        where: { id: this.jobId },
        data: { progress: progress.percent / 100, stage: progress.stage, etaSeconds: progress.etaSeconds },
      });
    }
  }
}
