"use client";
/**
 * Checkpoints card (issue 15): per checkpoint epoch its train mel loss and its validation on the held-out clips, the
 * recommended epoch with the one line on how it was chosen, and "Publish epoch N" (with a confirm), which queues the
 * publish job. Self-contained: reads GET /api/experiments/{name}/checkpoints itself.
 */
import { useCallback, useEffect, useState } from "react";
import { callApi, type JobAccepted } from "./api-client";
import { Badge, cardClass, ErrorText, listRow, mutedText, secondaryButton } from "./ui";
import type { z } from "zod";
import type { CheckpointList } from "@/lib/api/checkpoints";

type Timeline = z.infer<typeof CheckpointList>;

const num = (v: number | undefined | null) => (v == null ? "—" : v.toFixed(3));

export function CheckpointTimeline({ experiment, readOnly = false }: { experiment: string; readOnly?: boolean }) {
  const [data, setData] = useState<Timeline | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<number | null>(null);
  const [queued, setQueued] = useState<string | null>(null);
  const base = `/api/experiments/${encodeURIComponent(experiment)}/checkpoints`;

  const load = useCallback(async () => {
    try {
      setData(await callApi<Timeline>(base));
      setError(null);
    } catch (e) {
      setError((e as Error).message);
    }
  }, [base]);
  useEffect(() => {
    void load();
  }, [load]);

  async function publish(epoch: number) {
    if (!window.confirm(`Make the checkpoint of epoch ${epoch} the model "${experiment}"? The current model files are replaced.`)) return;
    setBusy(epoch);
    try {
      const res = await callApi<JobAccepted>(`${base}/${epoch}/publish`, { method: "POST" });
      setQueued(`Publishing epoch ${epoch}: job ${res.job.id.slice(0, 8)} queued`);
      setError(null);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(null);
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
  return (
    <section className={cardClass} aria-label="Checkpoints">
      <div className="mb-2 flex items-baseline justify-between gap-4">
        <h2 className="font-medium">Checkpoints</h2>
        <button type="button" className={secondaryButton} onClick={() => void load()}>
          Refresh
        </button>
      </div>
      <p className={`mb-2 text-sm ${mutedText}`} data-testid="heldout-note">
        {data.heldOut.length
          ? `Validation: ${data.heldOut.length} held-out clips the model never trains on (${data.heldOut.join(", ")}).`
          : "No held-out clips: checkpoints are not validated (train with heldOut > 0)."}
        {rec && (
          <>
            {" "}
            Recommended: <strong>epoch {rec.epoch}</strong> ({rec.reason}).
          </>
        )}
      </p>
      <ul className="text-sm">
        {data.checkpoints.map((c) => (
          <li key={c.epoch} className={listRow} data-testid="checkpoint-row">
            <span className="w-20 font-medium">epoch {c.epoch}</span>
            <span title="mean training mel loss of the epoch">train mel {num(c.trainLoss.mel)}</span>
            <span title="mel L1 (× c_mel) and multi-resolution STFT distance on the held-out clips">
              validation {c.validation ? `mel ${num(c.validation.mel)} · stft ${num(c.validation.stft)}` : "—"}
            </span>
            {c.preview && <audio controls preload="none" src={c.preview} className="h-8" aria-label={`Preview of epoch ${c.epoch}`} />}
            {rec?.epoch === c.epoch && <Badge tone="good">recommended</Badge>}
            {c.published && <Badge>the model</Badge>}
            {!c.available && <span className={mutedText}>file replaced</span>}
            {!readOnly && c.available && !c.published && (
              <button type="button" className={`${secondaryButton} ml-auto`} disabled={busy !== null} onClick={() => void publish(c.epoch)}>
                Publish epoch {c.epoch}
              </button>
            )}
          </li>
        ))}
      </ul>
      {queued && <p className={`mt-2 text-sm ${mutedText}`} role="status">{queued}</p>}
      <ErrorText error={error} />
    </section>
  );
}
