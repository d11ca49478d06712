/**
 * The typed API client over fetch (Node 20+ and browsers): one method per operation, errors as `ApiError` with the
 * API's error shape, brief retries of idempotent requests on network errors, job events as an async iterator
 * that reconnects with Last-Event-ID. File-system helpers (tus uploads of local files, downloads to a folder) are
 * in `./node.ts`.
 */
import { ApiError } from "../errors";
import { parseSse } from "./sse";
import {
  FINAL_JOB_STATUSES,
  type Conversion,
  type ConversionAccepted,
  type ConversionParams,
  type CoverMix,
  type CreateExperiment,
  type ErrorBody,
  type Experiment,
  type ExperimentDetail,
  type ExperimentListItem,
  type Job,
  type JobEvent,
  type JobStatus,
  type Model,
  type ModelFileKind,
  type TrainOptions,
} from "./types";

export { ApiError };

export interface ClientOptions {
  /** the server, e.g. http://127.0.0.1:3000 (a trailing slash is fine) */
  baseUrl: string;
  /** a personal API token (`vs_…`), sent as `Authorization: Bearer` */
  token?: string;
  fetch?: typeof fetch;
  /** how often an idempotent request is tried again after a network error (default 3) */
  retries?: number;
  /** first pause before a retry, doubled each time (default 300 ms) */
  retryDelayMs?: number;
  /** reconnects of an event stream in a row without an event in between before giving up (default 8) */
  maxReconnects?: number;
}

export interface RequestOptions {
  query?: Record<string, string | number | undefined>;
  json?: unknown;
  body?: BodyInit;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** send a fresh `Idempotency-Key` (creates): such a POST may be retried after a network error */
  idempotent?: boolean;
}

/** GET, HEAD, PUT, DELETE are idempotent by definition; a POST only with an Idempotency-Key. */
const IDEMPOTENT_METHODS = new Set(["GET", "HEAD", "PUT", "DELETE"]);
/** answers that mean "a proxy or the server is briefly away" for idempotent requests */
const RETRY_STATUSES = new Set([502, 503, 504]);

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => (clearTimeout(t), reject(signal.reason)), { once: true });
  });

/** The API error of a non-2xx response (the JSON error shape, or a summary of whatever else came back). */
export async function errorFromResponse(res: Response): Promise<ApiError> {
  const text = await res.text().catch(() => "");
  try {
    const body = JSON.parse(text) as Partial<ErrorBody>;
    const e = body?.error;
    if (e && typeof e.code === "string" && typeof e.message === "string") {
      const details = e.requestId ? { ...(e.details ?? {}), requestId: e.requestId } : e.details;
      return new ApiError(res.status, e.code, e.message, details);
    }
  } catch {
    // not JSON: described below
  }
  const snippet = text.replace(/\s+/g, " ").trim().slice(0, 200);
  return new ApiError(res.status, `http_${res.status}`, `HTTP ${res.status} ${res.statusText}${snippet ? `: ${snippet}` : ""}`);
}

/** A request that never got an answer, as an ApiError with status 0 (`network_error`). */
export function networkError(url: string, err: unknown): ApiError {
  const cause = (err as { cause?: { code?: string; message?: string } })?.cause;
  const why = cause?.code ?? cause?.message ?? (err as Error)?.message ?? String(err);
  return new ApiError(0, "network_error", `Could not reach ${new URL(url).origin}: ${why}`, { url });
}

const isAbort = (err: unknown, signal?: AbortSignal) => signal?.aborted === true || (err as Error)?.name === "AbortError";

/** The low-level part of the client: authenticated fetch with the retry rules, JSON in and out. */
export class Transport {
  readonly baseUrl: string;
  readonly token: string | undefined;
  readonly fetch: typeof fetch;
  readonly retries: number;
  readonly retryDelayMs: number;
  readonly maxReconnects: number;

  constructor(opts: ClientOptions) {
    if (!/^https?:\/\//.test(opts.baseUrl)) throw new ApiError(0, "invalid_base_url", `The server URL must start with http:// or https:// (got ${JSON.stringify(opts.baseUrl)})`);
    this.baseUrl = opts.baseUrl.replace(/\/+$/, "");
    this.token = opts.token || undefined;
    this.fetch = opts.fetch ?? globalThis.fetch.bind(globalThis);
    this.retries = opts.retries ?? 3;
    this.retryDelayMs = opts.retryDelayMs ?? 300;
    this.maxReconnects = opts.maxReconnects ?? 8;
  }

  url(path: string, query?: RequestOptions["query"]): string {
    const u = new URL(this.baseUrl + path);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) u.searchParams.set(k, String(v));
    return u.toString();
  }

  headers(extra: Record<string, string> = {}): Record<string, string> {
    return { ...(this.token ? { authorization: `Bearer ${this.token}` } : {}), ...extra };
  }

  /** The raw response of a request; throws ApiError for non-2xx answers and for no answer at all. */
  async raw(method: string, path: string, opts: RequestOptions = {}): Promise<Response> {
    const url = this.url(path, opts.query);
    const headers = this.headers(opts.headers);
    let body = opts.body;
    if (opts.json !== undefined) {
      headers["content-type"] = "application/json";
      body = JSON.stringify(opts.json);
    }
    if (opts.idempotent) headers["idempotency-key"] = crypto.randomUUID();
    // a stream body cannot be sent twice
    const replayable = body === undefined || typeof body === "string" || body instanceof FormData || body instanceof Blob || body instanceof URLSearchParams;
    const mayRetry = replayable && (IDEMPOTENT_METHODS.has(method) || (method === "POST" && opts.idempotent === true));
    for (let attempt = 0; ; attempt++) {
      let res: Response;
      try {
        res = await this.fetch(url, { method, headers, body, signal: opts.signal });
      } catch (err) {
        if (isAbort(err, opts.signal)) throw err;
        if (!mayRetry || attempt >= this.retries) throw networkError(url, err);
        await sleep(this.retryDelayMs * 2 ** attempt, opts.signal);
        continue;
      }
      if (res.ok) return res;
      if (mayRetry && RETRY_STATUSES.has(res.status) && attempt < this.retries) {
        await res.body?.cancel().catch(() => {});
        await sleep(this.retryDelayMs * 2 ** attempt, opts.signal);
        continue;
      }
      throw await errorFromResponse(res);
    }
  }

  async json<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    const res = await this.raw(method, path, opts);
    if (res.status === 204) return undefined as T;
    return (await res.json()) as T;
  }

  /**
   * The events of an SSE endpoint, reconnecting with `Last-Event-ID` when the stream ends or breaks (the server
   * replays what was missed). Gives up after `maxReconnects` failed tries in a row; an error answer (4xx) ends it.
   */
  async *events(path: string, opts: { lastEventId?: string; signal?: AbortSignal } = {}): AsyncGenerator<JobEvent> {
    let last = opts.lastEventId ?? "0";
    let failures = 0;
    const url = this.url(path);
    for (;;) {
      const inner = new AbortController();
      const onAbort = () => inner.abort(opts.signal?.reason);
      opts.signal?.addEventListener("abort", onAbort, { once: true });
      try {
        let res: Response | undefined;
        try {
          res = await this.fetch(url, { headers: this.headers({ accept: "text/event-stream", "last-event-id": last }), signal: inner.signal });
        } catch (err) {
          if (isAbort(err, opts.signal)) throw err;
          if (++failures > this.maxReconnects) throw networkError(url, err);
        }
        if (res && !res.ok) {
          if (!RETRY_STATUSES.has(res.status) || ++failures > this.maxReconnects) throw await errorFromResponse(res);
          await res.body?.cancel().catch(() => {});
        } else if (res?.body) {
          try {
            for await (const msg of parseSse(res.body)) {
              if (msg.event === "error") {
                const e = (JSON.parse(msg.data) as Partial<ErrorBody>).error;
                throw new ApiError(401, e?.code ?? "stream_error", e?.message ?? "The event stream ended with an error");
              }
              if (msg.id) last = msg.id;
              failures = 0;
              yield JSON.parse(msg.data) as JobEvent;
            }
          } catch (err) {
            if (err instanceof ApiError || isAbort(err, opts.signal)) throw err;
            // the connection broke mid-stream: reconnect below
          }
          if (++failures > this.maxReconnects) throw networkError(url, new Error("the event stream keeps closing"));
        }
        await sleep(Math.min(this.retryDelayMs * 2 ** Math.max(0, failures - 1), 5000), opts.signal);
      } finally {
        opts.signal?.removeEventListener("abort", onAbort);
        inner.abort();
      }
    }
  }
}

const enc = encodeURIComponent;

/** The job status a `status` event announces (undefined for other events). */
export const statusOf = (ev: JobEvent): JobStatus | undefined =>
  ev.kind === "status" ? ((ev.data as { status?: JobStatus } | null)?.status ?? undefined) : undefined;

export const isFinalStatus = (s: unknown): s is JobStatus => FINAL_JOB_STATUSES.includes(s as JobStatus);

/** A pipeline stage and one of its events, as `pipeline.follow` yields them. */
export interface StageEvent {
  job: Job;
  event: JobEvent;
}

export function createCoreClient(opts: ClientOptions) {
  const t = new Transport(opts);

  const jobs = {
    get: (id: string, o: { signal?: AbortSignal } = {}) => t.json<Job>("GET", `/api/jobs/${enc(id)}`, o),
    list: (filter: { experiment?: string; status?: string; kind?: string } = {}) =>
      t.json<{ jobs: Job[] }>("GET", "/api/jobs", { query: filter }).then((r) => r.jobs),
    cancel: (id: string) => t.json<Job>("POST", `/api/jobs/${enc(id)}/cancel`),
    /** every event of the job from `lastEventId` on, live, without end (reconnects) */
    events: (id: string, o: { lastEventId?: string; signal?: AbortSignal } = {}) => t.events(`/api/jobs/${enc(id)}/events`, o),
    /** the job's events until its final status event (succeeded, failed, cancelled), then the iterator ends */
    async *follow(id: string, o: { lastEventId?: string; signal?: AbortSignal } = {}): AsyncGenerator<JobEvent> {
      for await (const ev of jobs.events(id, o)) {
        yield ev;
        if (isFinalStatus(statusOf(ev))) return;
      }
    },
    /** follow until the job ends and return it as the API shows it then */
    async wait(id: string, onEvent?: (ev: JobEvent) => void, o: { signal?: AbortSignal } = {}): Promise<Job> {
      for await (const ev of jobs.follow(id, o)) onEvent?.(ev);
      return jobs.get(id, o);
    },
  };

  const experiments = {
    list: () => t.json<{ experiments: ExperimentListItem[] }>("GET", "/api/experiments").then((r) => r.experiments),
    get: (name: string) => t.json<ExperimentDetail>("GET", `/api/experiments/${enc(name)}`),
    create: (input: CreateExperiment) => t.json<Experiment>("POST", "/api/experiments", { json: input, idempotent: true }),
  };

  const pipeline = {
    /** preprocess → extract → train; answers the first stage's job (each stage queues the next) */
    run: (name: string, options: TrainOptions = {}) =>
      t.json<{ jobs: Job[] }>("POST", `/api/experiments/${enc(name)}/pipeline`, { json: options, idempotent: true }).then((r) => r.jobs),
    /**
     * Follow a pipeline from its first job: each stage's events until it ends; after a success the next stage (from
     * the job's `params.then`) is looked up among the experiment's jobs. Ends after the last stage or at the first
     * stage that does not succeed (the last event then is that stage's final status).
     */
    async *follow(first: Job, o: { signal?: AbortSignal; pollMs?: number; nextStageTimeoutMs?: number } = {}): AsyncGenerator<StageEvent> {
      let job = first;
      for (;;) {
        for await (const event of jobs.follow(job.id, o)) {
          const status = statusOf(event);
          if (status) job = { ...job, status };
          yield { job, event };
        }
        job = await jobs.get(job.id, o);
        if (job.status !== "succeeded") return;
        const then = (job.params as { then?: { kind: string }[] } | null)?.then ?? [];
        if (then.length === 0 || !job.experiment) return;
        job = await findNextStage(job, then[0]!.kind, o.pollMs ?? 500, o.nextStageTimeoutMs ?? 60_000, o.signal);
      }
    },
  };

  async function findNextStage(prev: Job, kind: string, pollMs: number, timeoutMs: number, signal?: AbortSignal): Promise<Job> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const found = (await jobs.list({ experiment: prev.experiment ?? undefined, kind }))
        .filter((j) => j.createdAt >= (prev.finishedAt ?? prev.createdAt))
        .sort((a, b) => a.createdAt.localeCompare(b.createdAt))[0];
      if (found) return found;
      if (Date.now() > end) {
        throw new ApiError(0, "pipeline_stalled", `${prev.kind} succeeded but no ${kind} job was queued after it (see \`jobs follow ${prev.id}\` for why)`, { jobId: prev.id });
      }
      await sleep(pollMs, signal);
    }
  }

  const models = {
    list: () => t.json<{ models: Model[] }>("GET", "/api/models").then((r) => r.models),
    get: (id: string) => t.json<Model>("GET", `/api/models/${enc(id)}`),
    /** the download as a streaming Response (`kind`: pth, index, onnx or zip with model.json) */
    download: (id: string, kind: ModelFileKind = "pth", o: { signal?: AbortSignal } = {}) =>
      t.raw("GET", `/api/models/${enc(id)}/download`, { query: { file: kind }, signal: o.signal }),
  };

  const conversions = {
    /** convert `audio` (any accepted audio file) with the model; answers the queued conversion and its job */
    create: (input: { modelId: string; audio: Blob; filename: string; params?: ConversionParams }) => {
      const form = new FormData();
      form.set("modelId", input.modelId);
      form.set("audio", input.audio, input.filename);
      for (const [k, v] of Object.entries(input.params ?? {})) if (v !== undefined) form.set(k, String(v));
      return t.json<ConversionAccepted>("POST", "/api/conversions", { body: form, idempotent: true });
    },
    /** convert an audio file already uploaded to an experiment */
    createFromUpload: (input: { modelId: string; fileId: string; params?: ConversionParams }) =>
      t.json<ConversionAccepted>("POST", "/api/conversions", {
        json: { modelId: input.modelId, fileId: input.fileId, ...input.params },
        idempotent: true,
      }),
    get: (id: string) => t.json<Conversion>("GET", `/api/conversions/${enc(id)}`),
    list: (limit?: number) => t.json<{ conversions: Conversion[] }>("GET", "/api/conversions", { query: { limit } }).then((r) => r.conversions),
    /** the converted WAV as a streaming Response (409 conversion_not_ready until it succeeded) */
    audio: (id: string, o: { signal?: AbortSignal } = {}) => t.raw("GET", `/api/conversions/${enc(id)}/audio`, { query: { download: 1 }, signal: o.signal }),
    /** a finished cover's stem as mixed, as a streaming Response (404 stem_not_found before it succeeded) */
    stem: (id: string, stem: "vocals" | "accompaniment", o: { signal?: AbortSignal } = {}) =>
      t.raw("GET", `/api/conversions/${enc(id)}/stems/${stem}`, { query: { download: 1 }, signal: o.signal }),
  };

  const covers = {
    /** a song cover of `audio` (vocals separated, converted with the model, mixed back); answers the queued cover (a conversion) and its job */
    create: (input: { modelId: string; audio: Blob; filename: string; params?: ConversionParams; mix?: Partial<CoverMix> }) => {
      const form = new FormData();
      form.set("modelId", input.modelId);
      form.set("audio", input.audio, input.filename);
      for (const [k, v] of Object.entries({ ...input.params, ...input.mix })) if (v !== undefined) form.set(k, String(v));
      return t.json<ConversionAccepted>("POST", "/api/covers", { body: form, idempotent: true });
    },
    /** a song cover of an audio file already uploaded to an experiment */
    createFromUpload: (input: { modelId: string; fileId: string; params?: ConversionParams; mix?: Partial<CoverMix> }) =>
      t.json<ConversionAccepted>("POST", "/api/covers", {
        json: { modelId: input.modelId, fileId: input.fileId, ...input.params, ...input.mix },
        idempotent: true,
      }),
  };

  return { transport: t, baseUrl: t.baseUrl, experiments, pipeline, jobs, models, conversions, covers };
}

export type CoreClient = ReturnType<typeof createCoreClient>;
