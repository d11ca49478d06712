"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import type { ExperimentSettings } from "@/lib/experiment-rules";
import type { CleaningOptions } from "@/lib/dataset/analysis";
import { CleaningFields } from "./dataset/CleaningFields";
import { IsolateVocalsFields } from "./IsolateVocalsFields";
import { callApi } from "./api-client";
import { inputClass, SettingsFields } from "./SettingsFields";
import { useConfirm, useToast } from "./ui";

/** `readOnly`: shown but not changeable (a viewer, or a member on someone else's experiment: `readOnlyNote` says why). */
export function ExperimentSettingsForm({
  name,
  settings,
  cleaning: savedCleaning,
  isolation,
  readOnly = false,
  readOnlyNote,
}: {
  name: string;
  settings: ExperimentSettings;
  /** the dataset doctor's cleaning options (preprocess applies them) */
  cleaning?: CleaningOptions;
  /** "isolate vocals" (issue 19): the stored switch, the files not separated yet, what is missing for separation */
  isolation?: { on: boolean; filesToSeparate: number; modelMissing: string | null };
  readOnly?: boolean;
  readOnlyNote?: string;
}) {
  const router = useRouter();
  const [newName, setNewName] = useState(name);
  const [value, setValue] = useState(settings);
  const [cleaning, setCleaning] = useState(savedCleaning);
  const [isolate, setIsolate] = useState(isolation?.on ?? false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const confirm = useConfirm();
  const toast = useToast();

  async function save(e: React.FormEvent) {
    e.preventDefault();
    setMessage(null);
    try {
      const saved = await callApi<{ isolateVocals?: boolean; filesToSeparate?: number }>(`/api/experiments/${name}`, {
        method: "PATCH",
        // the switch only when changed: turning it on needs the model, keeping it on must not
        body: JSON.stringify({ ...(newName !== name ? { name: newName } : {}), ...value, ...(cleaning ? { cleaning } : {}), ...(isolation && isolate !== isolation.on ? { isolateVocals: isolate } : {}) }),
      });
      setMessage({ ok: true, text: "Saved" });
      // the page refresh remounts this form with the saved values (its key), so the lasting confirmation is a toast
      const earlier = saved?.isolateVocals && isolation && !isolation.on && saved.filesToSeparate ? saved.filesToSeparate : 0;
      toast(
        newName !== name
          ? `Saved: the experiment is now “${newName}”`
          : earlier
            ? `Settings saved: new uploads are separated; ${earlier} earlier file(s) are not yet (“Isolate vocals in …” below)`
            : "Settings saved",
      );
      if (newName !== name) router.replace(`/experiments/${newName}`);
      else router.refresh();
    } catch (err) {
      setMessage({ ok: false, text: (err as Error).message });
    }
  }

  async function remove() {
    const yes = await confirm({
      title: `Delete experiment “${name}”?`,
      message: "Its uploads and working files are deleted. Finished models are kept.",
      confirmLabel: "Delete experiment",
      danger: true,
    });
    if (!yes) return;
    try {
      const saved = await callApi<{ isolateVocals?: boolean; filesToSeparate?: number }>(`/api/experiments/${name}`, { method: "DELETE" });
      toast(`Deleted experiment “${name}”`);
      router.push("/");
      router.refresh();
    } catch (err) {
      setMessage({ ok: false, text: (err as Error).message });
    }
  }

  return (
    <form onSubmit={save} className="space-y-3 rounded-lg border border-zinc-200 bg-white p-4 dark:border-zinc-800 dark:bg-zinc-900" aria-label="Settings">
      <h2 className="font-semibold">Settings</h2>
      <fieldset disabled={readOnly} className="grid gap-3 sm:grid-cols-4">
        <label className="block text-sm">
          Name
          <input name="name" className={inputClass} value={newName} onChange={(e) => setNewName(e.target.value)} />
        </label>
        <SettingsFields value={value} onChange={setValue} />
      </fieldset>
      {cleaning && <CleaningFields value={cleaning} onChange={setCleaning} disabled={readOnly} />}
      {isolation && (
        <IsolateVocalsFields
          experiment={name}
          value={isolate}
          saved={isolation.on}
          onChange={setIsolate}
          filesToSeparate={isolation.filesToSeparate}
          modelMissing={isolation.modelMissing}
          disabled={readOnly}
        />
      )}
      {readOnly && readOnlyNote && <p className="text-xs text-zinc-500 dark:text-zinc-400">{readOnlyNote}</p>}
      <div className={readOnly ? "hidden" : "flex flex-wrap items-center gap-3"}>
        <button type="submit" className="rounded bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-500">
          Save
        </button>
        <button type="button" onClick={remove} className="rounded border border-red-300 dark:border-red-800 px-3 py-1.5 text-sm text-red-700 dark:text-red-400 hover:bg-red-50 dark:hover:bg-red-950">
          Delete experiment
        </button>
        {message && (
          <span role={message.ok ? "status" : "alert"} className={`text-sm ${message.ok ? "text-green-700 dark:text-green-400" : "text-red-700 dark:text-red-400"}`}>
            {message.text}
          </span>
        )}
      </div>
    </form>
  );
}
