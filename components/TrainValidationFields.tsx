"use client";
/**
 * The Train form's validation fields (issue 15): the held-out share, early stop and the probe clip (the clip each
 * checkpoint renders as its listening preview). The probe list is the experiment's uploaded files (each → its first
 * slice), read from GET /api/experiments/{name}/files, or a slice by name.
 */
import { useEffect, useState } from "react";
import { callApi } from "./api-client";
import { Field, inputClass } from "@/components/ui";
import { validationErrors, type ValidationInput } from "./train-validation-options";

interface FileRow {
  id: string;
  originalName: string;
  status: string;
}

export function TrainValidationFields({ experiment, value, onChange }: { experiment: string; value: ValidationInput; onChange: (v: ValidationInput) => void }) {
  const [files, setFiles] = useState<FileRow[]>([]);
  useEffect(() => {
    let live = true;
    callApi<{ files: FileRow[] }>(`/api/experiments/${encodeURIComponent(experiment)}/files`)
      .then((r) => live && setFiles(r.files.filter((f) => f.status === "ready")))
      .catch(() => undefined); // the list is a convenience: a slice name still works
    return () => {
      live = false;
    };
  }, [experiment]);
  const errors = validationErrors(value);
  const set = (patch: Partial<ValidationInput>) => onChange({ ...value, ...patch });
  return (
    <>
      <Field
        label="Held-out clips (%)"
        help="That share of the slices (at least 2, at most 20 clips, whole recordings where possible) is never trained on and scores each checkpoint. 0 = off."
        error={errors.heldOut}
      >
        {(ids) => <input {...ids} name="heldOut" type="number" min={0} max={50} step="any" className={inputClass} value={value.heldOutPercent} onChange={(e) => set({ heldOutPercent: e.target.value })} />}
      </Field>
      <Field label="Early stop after N checkpoints" help="Stop when the held-out score has not improved for N checkpoints in a row. Empty = off." error={errors.patience}>
        {(ids) => <input {...ids} name="earlyStopPatience" type="number" min={0} max={1000} placeholder="off" className={inputClass} value={value.patience} onChange={(e) => set({ patience: e.target.value })} />}
      </Field>
      <Field label="Preview clip" help="What each checkpoint renders (≤ 10 s) so you can listen to it." error={errors.probe}>
        {(ids) => (
          <select {...ids} name="probe" className={inputClass} value={value.probe} onChange={(e) => set({ probe: e.target.value })}>
            <option value="">a held-out clip (default)</option>
            {files.map((f) => (
              <option key={f.id} value={`file:${f.id}`}>
                {f.originalName} (first slice)
              </option>
            ))}
            <option value="slice">a slice by name…</option>
          </select>
        )}
      </Field>
      {value.probe === "slice" && (
        <Field label="Slice name" help='A file of 0_gt_wavs without ".wav", e.g. 0_3.' error={errors.slice}>
          {(ids) => <input {...ids} name="probeSlice" placeholder="0_3" className={inputClass} value={value.slice} onChange={(e) => set({ slice: e.target.value })} />}
        </Field>
      )}
    </>
  );
}
