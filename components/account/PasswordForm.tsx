"use client";
import { useState } from "react";
import { callApi } from "../api-client";
import { cardClass, ErrorText, inputClass, primaryButton } from "../ui";

/** Change your own password; the API ends your other sessions and keeps this one. */
export function PasswordForm() {
  const [current, setCurrent] = useState("");
  const [password, setPassword] = useState("");
  const [confirm, setConfirm] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setError(null);
    setDone(false);
    if (password !== confirm) return setError("The two new passwords differ");
    setBusy(true);
    try {
      await callApi("/api/auth/password", { method: "POST", body: JSON.stringify({ current, password }) });
      setCurrent("");
      setPassword("");
      setConfirm("");
      setDone(true);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={submit} aria-label="Change password" className={`${cardClass} space-y-3`}>
      <h2 className="font-semibold">Change password</h2>
      <div className="grid gap-3 sm:grid-cols-3">
        <label className="block text-sm">
          Current password
          <input type="password" className={inputClass} value={current} onChange={(e) => setCurrent(e.target.value)} autoComplete="current-password" required />
        </label>
        <label className="block text-sm">
          New password
          <input type="password" className={inputClass} value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="new-password" minLength={8} required />
        </label>
        <label className="block text-sm">
          New password again
          <input type="password" className={inputClass} value={confirm} onChange={(e) => setConfirm(e.target.value)} autoComplete="new-password" required />
        </label>
      </div>
      <div className="flex flex-wrap items-center gap-3">
        <button type="submit" disabled={busy} className={primaryButton}>
          {busy ? "Saving…" : "Change password"}
        </button>
        {done && (
          <span role="status" className="text-sm text-green-700 dark:text-green-400">
            Password changed. Your other sessions have ended.
          </span>
        )}
      </div>
      <ErrorText error={error} />
    </form>
  );
}
