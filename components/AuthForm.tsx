"use client";
import { useRouter, useSearchParams } from "next/navigation";
import { useEffect, useState } from "react";
import { inputClass } from "./SettingsFields";

/** The login form, or (mode "setup") the first-run form that creates the admin account. */
export function AuthForm({ mode }: { mode: "login" | "setup" }) {
  const router = useRouter();
  const search = useSearchParams();
  const [name, setName] = useState(mode === "setup" ? "admin" : "");
  const [password, setPassword] = useState("");
  const [confirm, setConfirm] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const next = search.get("next");
  const target = next && next.startsWith("/") && !next.startsWith("//") ? next : "/";

  useEffect(() => {
    // the login page sends a fresh install to /setup, and /setup sends a finished one back to /login
    fetch("/api/auth/me")
      .then((r) => r.json())
      .then((me: { user: unknown; setupRequired: boolean }) => {
        if (me.user) router.replace(target);
        else if (mode === "login" && me.setupRequired) router.replace("/setup");
        else if (mode === "setup" && !me.setupRequired) router.replace("/login");
      })
      .catch(() => {});
  }, [mode, router, target]);

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setError(null);
    if (mode === "setup" && password !== confirm) {
      setError("The two passwords differ");
      return;
    }
    setBusy(true);
    try {
      const res = await fetch(mode === "setup" ? "/api/auth/setup" : "/api/auth/login", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ name, password }),
      });
      if (!res.ok) {
        const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
        setError(body?.error?.message ?? `Request failed with HTTP ${res.status}`);
        return;
      }
      window.location.assign(target);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form
      onSubmit={submit}
      aria-label={mode === "setup" ? "Create the admin account" : "Log in"}
      className="mx-auto max-w-sm space-y-3 rounded-lg border border-zinc-200 bg-white p-6 dark:border-zinc-800 dark:bg-zinc-900"
    >
      <h1 className="text-xl font-semibold">{mode === "setup" ? "Create the admin account" : "Log in"}</h1>
      {mode === "setup" && <p className="text-sm text-zinc-600 dark:text-zinc-400">No account exists yet. This first account can add the others.</p>}
      <label className="block text-sm">
        Name
        <input name="name" className={inputClass} value={name} onChange={(e) => setName(e.target.value)} autoComplete="username" required />
      </label>
      <label className="block text-sm">
        Password
        <input
          name="password"
          type="password"
          className={inputClass}
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          autoComplete={mode === "setup" ? "new-password" : "current-password"}
          minLength={mode === "setup" ? 8 : undefined}
          required
        />
      </label>
      {mode === "setup" && (
        <label className="block text-sm">
          Password again
          <input name="confirm" type="password" className={inputClass} value={confirm} onChange={(e) => setConfirm(e.target.value)} autoComplete="new-password" required />
        </label>
      )}
      <button type="submit" disabled={busy} className="w-full rounded bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-500 disabled:opacity-50">
        {busy ? "…" : mode === "setup" ? "Create and log in" : "Log in"}
      </button>
      {error && (
        <p role="alert" className="text-sm text-red-600 dark:text-red-400">
          {error}
        </p>
      )}
    </form>
  );
}
