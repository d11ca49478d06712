"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { DEFAULT_SETTINGS, EXPERIMENT_NAME_PATTERN, EXPERIMENT_NAME_RULE } from "@/lib/experiment-rules";
import { callApi } from "./api-client";
import { inputClass, SettingsFields } from "./SettingsFields";

export function CreateExperimentForm() {
  const router = useRouter();
  const [name, setName] = useState("");
  const [settings, setSettings] = useState(DEFAULT_SETTINGS);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const nameOk = name === "" || EXPERIMENT_NAME_PATTERN.test(name);

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await callApi("/api/experiments", { method: "POST", body: JSON.stringify({ name, ...settings }) });
      setName("");
      router.refresh();
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={submit} className="rounded-lg border border-zinc-200 bg-white p-4 dark:border-zinc-800 dark:bg-zinc-900" aria-label="New experiment">
      <h2 className="mb-3 font-medium">New experiment</h2>
      <div className="grid gap-3 sm:grid-cols-4">
        <label className="block text-sm sm:col-span-4">
          Name
          <input
            name="name"
            className={inputClass}
            value={name}
            onChange={(e) => setName(e.target.value)}
            placeholder="my-voice"
            autoComplete="off"
            required
          />
          {!nameOk && <span className="mt-1 block text-xs text-red-700 dark:text-red-400">Use {EXPERIMENT_NAME_RULE}.</span>}
        </label>
        <SettingsFields value={settings} onChange={setSettings} />
        <div className="flex items-end">
          <button
            type="submit"
            disabled={busy || !nameOk || name === ""}
            className="w-full rounded bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-500 disabled:opacity-50"
          >
            {busy ? "Creating…" : "Create"}
          </button>
        </div>
      </div>
      {error && (
        <p role="alert" className="mt-3 text-sm text-red-700 dark:text-red-400">
          {error}
        </p>
      )}
    </form>
  );
}
