"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { inputClass } from "./SettingsFields";

/** Import an RVC model made elsewhere: the .pth (required) and its .index (optional). */
export function ImportModelForm() {
  const router = useRouter();
  const [pth, setPth] = useState<File | null>(null);
  const [index, setIndex] = useState<File | null>(null);
  const [name, setName] = useState("");
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    if (!pth) return;
    setBusy(true);
    setMessage(null);
    const fd = new FormData();
    fd.append("pth", pth);
    if (index) fd.append("index", index);
    if (name.trim()) fd.append("name", name.trim());
    try {
      const res = await fetch("/api/models/import", { method: "POST", body: fd });
      const body = (await res.json()) as { model?: { name: string }; error?: { message: string } };
      if (!res.ok) throw new Error(body.error?.message ?? `HTTP ${res.status}`);
      setMessage({ ok: true, text: `Imported "${body.model!.name}"; its ONNX export is running` });
      router.refresh();
    } catch (err) {
      setMessage({ ok: false, text: (err as Error).message });
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={submit} aria-label="Import model" className="space-y-2 rounded-lg border border-zinc-200 bg-white p-4 text-sm dark:border-zinc-800 dark:bg-zinc-900">
      <h2 className="font-semibold">Import an RVC model</h2>
      <div className="grid gap-3 sm:grid-cols-3">
        <label>
          Model (.pth)
          <input type="file" accept=".pth" required className="block text-xs" onChange={(e) => setPth(e.target.files?.[0] ?? null)} />
        </label>
        <label>
          Index (.index, optional)
          <input type="file" accept=".index" className="block text-xs" onChange={(e) => setIndex(e.target.files?.[0] ?? null)} />
        </label>
        <label>
          Name (optional)
          <input className={inputClass} value={name} placeholder="from the file name" onChange={(e) => setName(e.target.value)} />
        </label>
      </div>
      <button disabled={!pth || busy} className="rounded bg-indigo-600 px-3 py-1.5 font-medium text-white hover:bg-indigo-500 disabled:opacity-50">
        {busy ? "Checking…" : "Import"}
      </button>
      {message && (
        <p role={message.ok ? "status" : "alert"} className={message.ok ? "text-green-700 dark:text-green-400" : "text-red-700 dark:text-red-400"}>
          {message.text}
        </p>
      )}
    </form>
  );
}
