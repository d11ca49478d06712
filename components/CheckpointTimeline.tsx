"use client";
/**
 * Checkpoints card (issue 15): per checkpoint epoch its train mel loss and its validation on the held-out clips, a
 * play button with the preview's small waveform, the recommended epoch (with the one line on how it was chosen),
 * "Publish epoch N" (asked through the design system's confirm dialog), and a blind A/B of two epochs: the listener
 * ticks two, hears them as "A" and "B" in a random order the server keeps to itself, picks one (or "no difference"),
 * and only then learns which was which. Self-contained: reads GET …/checkpoints and …/listening-tests itself.
 */
import { useCallback, useEffect, useRef, useState } from "react";
import { callApi, type JobAccepted } from "./api-client";
import { Badge, cardClass, ErrorText, listRow, mutedText, primaryButton, secondaryButton, useConfirm } from "./ui";
import type { z } from "zod";
import type { CheckpointList } from "@/lib/api/checkpoints";
import type { AnsweredListeningTest, ListeningTestList, PendingListeningTest } from "@/lib/api/listening-tests";
import { formatDateTime } from "@/lib/format";

type Timeline = z.infer<typeof CheckpointList>;
type Tests = z.infer<typeof ListeningTestList>;
type Pending = z.infer<typeof PendingListeningTest>;
type Answered = z.infer<typeof AnsweredListeningTest>;

const num = (v: number | undefined | null) => (v == null ? "—" : v.toFixed(3));

/** The preview's peaks as bars (decorative: the play button carries the name). */
function MiniWave({ peaks }: { peaks: number[] | null }) {
  if (!peaks || peaks.length === 0) return null;
  const w = 96;
  const h = 24;
  const step = w / peaks.length;
  return (
    <svg width={w} height={h} viewBox={`0 0 ${w} ${h}`} aria-hidden="true" className="shrink-0 text-indigo-600 dark:text-indigo-400" data-testid="preview-wave">
      {peaks.map((p, i) => {
        const bar = Math.max(1, p * h);
        return <rect key={i} x={i * step} y={(h - bar) / 2} width={Math.max(1, step - 1)} height={bar} fill="currentColor" />;
      })}
    </svg>
  );
}

/** A play/pause button for an <audio> kept beside it (hidden); starting one pauses the others in the card. */
function PlayButton({ src, label, onPlay }: { src: string; label: string; onPlay: (el: HTMLAudioElement) => void }) {
  const ref = useRef<HTMLAudioElement>(null);
  const [playing, setPlaying] = useState(false);
  return (
    <>
      <button
        type="button"
        className={`${secondaryButton} !px-2 !py-1`}
        aria-label={`${playing ? "Pause" : "Play"} ${label}`}
        onClick={() => {
          const a = ref.current;
          if (!a) return;
          if (a.paused) {
            onPlay(a);
            void a.play().catch(() => setPlaying(false));
          } else a.pause();
        }}
      >
        <span aria-hidden="true">{playing ? "❚❚" : "▶"}</span>
      </button>
      <audio ref={ref} preload="none" src={src} aria-label={label} className="hidden" onPlay={() => setPlaying(true)} onPause={() => setPlaying(false)} onEnded={() => setPlaying(false)} />
    </>
  );
}

export function CheckpointTimeline({ experiment, readOnly = false }: { experiment: string; readOnly?: boolean }) {
  const [data, setData] = useState<Timeline | null>(null);
  const [tests, setTests] = useState<Tests | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [queued, setQueued] = useState<string | null>(null);
  const [picked, setPicked] = useState<number[]>([]);
  const [pending, setPending] = useState<Pending | null>(null);
  const [reveal, setReveal] = useState<Answered | null>(null);
  const card = useRef<HTMLElement>(null);
  const confirm = useConfirm();
  const base = `/api/experiments/${encodeURIComponent(experiment)}`;

  const load = useCallback(async () => {
    try {
      const [timeline, ab] = await Promise.all([callApi<Timeline>(`${base}/checkpoints`), callApi<Tests>(`${base}/listening-tests`)]);
      setData(timeline);
      setTests(ab);
      setError(null);
    } catch (e) {
      setError((e as Error).message);
    }
  }, [base]);
  useEffect(() => {
    void load();
  }, [load]);

  /** one clip at a time */
  const only = (el: HTMLAudioElement) => card.current?.querySelectorAll("audio").forEach((a) => a !== el && a.pause());

  async function act<T>(fn: () => Promise<T>): Promise<T | undefined> {
    setBusy(true);
    try {
      const out = await fn();
      setError(null);
      return out;
    } catch (e) {
      setError((e as Error).message);
      return undefined;
    } finally {
      setBusy(false);
    }
  }

  async function publish(epoch: number) {
    const yes = await confirm({
      title: `Publish epoch ${epoch}?`,
      message: `The checkpoint of epoch ${epoch} becomes the model "${experiment}" (small .pth, ONNX and index); the current model files are replaced.`,
      confirmLabel: `Publish epoch ${epoch}`,
    });
    if (!yes) return;
    const res = await act(() => callApi<JobAccepted>(`${base}/checkpoints/${epoch}/publish`, { method: "POST" }));
    if (res) setQueued(`Publishing epoch ${epoch}: job ${res.job.id.slice(0, 8)} queued`);
  }

  function toggle(epoch: number, on: boolean) {
    setReveal(null);
    setPicked((p) => (on ? [...p.filter((e) => e !== epoch), epoch].slice(-2) : p.filter((e) => e !== epoch)));
  }

  async function startAb() {
    const res = await act(() => callApi<{ test: Pending }>(`${base}/listening-tests`, { method: "POST", body: JSON.stringify({ epochs: picked }) }));
    if (res) {
      setPending(res.test);
      setReveal(null);
    }
  }

  async function answer(choice: "A" | "B" | "none") {
    if (!pending) return;
    const res = await act(() => callApi<{ test: Answered }>(`${base}/listening-tests/${pending.id}/answer`, { method: "POST", body: JSON.stringify({ choice }) }));
    if (res) {
      setPending(null);
      setPicked([]);
      setReveal(res.test);
      await load();
    }
  }

  if (!data || data.checkpoints.length === 0) {
    return (
      <section className={cardClass} aria-label="Checkpoints">
        <h2 className="mb-1 font-medium">Checkpoints</h2>
        <p className={`text-sm ${mutedText}`}>{data ? "No checkpoints yet: train first." : error ? "" : "Loading…"}</p>
        <ErrorText error={error} />
      </section>
    );
  }
  const rec = data.recommended;
  const canCompare = !readOnly && data.checkpoints.filter((c) => c.preview).length >= 2;
  const answered = (tests?.tests ?? []).filter((t): t is Answered => t.status === "answered").slice(0, 10);
  return (
    <section ref={card} className={cardClass} aria-label="Checkpoints">
      <div className="mb-2 flex items-baseline justify-between gap-4">
        <h2 className="font-medium">Checkpoints</h2>
        <button type="button" className={secondaryButton} onClick={() => void load()}>
          Refresh
        </button>
      </div>
      <p className={`mb-2 text-sm ${mutedText}`} data-testid="heldout-note">
        {data.heldOut.length
          ? `Validation: ${data.heldOut.length} held-out clips the model never trains on (${data.heldOut.join(", ")}).`
          : "No held-out clips: checkpoints are not validated (train with a held-out share above 0)."}
        {data.probe ? ` Previews play clip ${data.probe}.` : ""}
        {rec && (
          <>
            {" "}
            Recommended: <strong>epoch {rec.epoch}</strong> ({rec.reason}).
          </>
        )}
      </p>
      {canCompare && <p className={`mb-1 text-sm ${mutedText}`}>Tick two epochs to compare them blind: you hear “A” and “B” without knowing which is which.</p>}
      <ul className="text-sm">
        {data.checkpoints.map((c) => (
          <li key={c.epoch} className={`${listRow} ${rec?.epoch === c.epoch ? "bg-green-50 dark:bg-green-950/40" : ""}`} data-testid="checkpoint-row" data-epoch={c.epoch}>
            <span className="flex w-28 items-center gap-2 font-medium">
              {canCompare && c.preview && (
                <input type="checkbox" aria-label={`Compare epoch ${c.epoch}`} checked={picked.includes(c.epoch)} onChange={(e) => toggle(c.epoch, e.target.checked)} disabled={pending !== null} />
              )}
              epoch {c.epoch}
            </span>
            {c.preview ? (
              <span className="flex items-center gap-2">
                <PlayButton src={c.preview} label={`Preview of epoch ${c.epoch}`} onPlay={only} />
                <MiniWave peaks={c.peaks} />
              </span>
            ) : (
              <span className={mutedText}>no preview</span>
            )}
            <span title="mean training mel loss of the epoch">train mel {num(c.trainLoss.mel)}</span>
            <span title="mel L1 (× c_mel) and multi-resolution STFT distance on the held-out clips">
              validation {c.validation ? `mel ${num(c.validation.mel)} · stft ${num(c.validation.stft)}` : "—"}
            </span>
            {c.abWins + c.abLosses > 0 && (
              <span title="blind A/B tests won and lost" data-testid="ab-record">
                A/B {c.abWins}–{c.abLosses}
              </span>
            )}
            {rec?.epoch === c.epoch && <Badge tone="good">recommended</Badge>}
            {c.published && <Badge>the model</Badge>}
            {!c.available && <span className={mutedText}>file replaced</span>}
            {!readOnly && c.available && !c.published && (
              <button type="button" className={`${secondaryButton} ml-auto`} disabled={busy} onClick={() => void publish(c.epoch)}>
                Publish epoch {c.epoch}
              </button>
            )}
          </li>
        ))}
      </ul>
      {canCompare && !pending && (
        <div className="mt-3 flex flex-wrap items-center gap-2 text-sm">
          <button type="button" className={primaryButton} disabled={picked.length !== 2 || busy} onClick={() => void startAb()}>
            Start blind A/B
          </button>
          <span className={mutedText}>{picked.length === 2 ? `epochs ${[...picked].sort((a, b) => a - b).join(" and ")}, order hidden` : `${picked.length} of 2 ticked`}</span>
        </div>
      )}
      {pending && (
        <div className="mt-3 space-y-2 rounded border border-indigo-200 p-3 text-sm dark:border-indigo-900" role="group" aria-label="Blind A/B">
          <p className="font-medium">Which sounds better? The epochs stay hidden until you answer.</p>
          <div className="flex flex-wrap items-center gap-4">
            {(["A", "B"] as const).map((l) => (
              <span key={l} className="flex items-center gap-2">
                <PlayButton src={pending.audio[l]} label={`clip ${l}`} onPlay={only} />
                <span className="font-semibold">{l}</span>
              </span>
            ))}
          </div>
          <div className="flex flex-wrap gap-2">
            <button type="button" className={secondaryButton} disabled={busy} onClick={() => void answer("A")}>
              A is better
            </button>
            <button type="button" className={secondaryButton} disabled={busy} onClick={() => void answer("B")}>
              B is better
            </button>
            <button type="button" className={secondaryButton} disabled={busy} onClick={() => void answer("none")}>
              No difference
            </button>
            <button type="button" className={secondaryButton} disabled={busy} onClick={() => setPending(null)}>
              Cancel
            </button>
          </div>
        </div>
      )}
      {reveal && (
        <p className="mt-3 text-sm" role="status" data-testid="ab-reveal">
          A was epoch {reveal.epochA}, B was epoch {reveal.epochB}:{" "}
          {reveal.winner === null ? "you heard no difference." : `you chose ${reveal.choice}, epoch ${reveal.winner}.`}
        </p>
      )}
      {answered.length > 0 && (
        <details className="mt-3 text-sm">
          <summary className="cursor-pointer">Listening tests ({answered.length})</summary>
          <ul className="mt-1 space-y-0.5" data-testid="ab-history">
            {answered.map((t) => (
              <li key={t.id}>
                epoch {t.epochA} vs {t.epochB}: {t.winner === null ? "no difference" : `epoch ${t.winner} better`}{" "}
                <span className={mutedText}>({formatDateTime(t.answeredAt)})</span>
              </li>
            ))}
          </ul>
        </details>
      )}
      {queued && <p className={`mt-2 text-sm ${mutedText}`} role="status">{queued}</p>}
      <ErrorText error={error} />
    </section>
  );
}
