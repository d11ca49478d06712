"use client";
import { useState } from "react";
import { callApi } from "../api-client";
import { cardClass, dangerButton, ErrorText, mutedText, useConfirm } from "../ui";

/** End every session of this account (all browsers, this one too); API tokens stay. */
export function LogoutEverywhere() {
  const [error, setError] = useState<string | null>(null);
  const confirm = useConfirm();
  async function run() {
    const yes = await confirm({ title: "Log out everywhere?", message: "Every browser and device is logged out, this one included. API tokens keep working.", confirmLabel: "Log out everywhere", danger: true });
    if (!yes) return;
    try {
      await callApi("/api/auth/logout-all", { method: "POST" });
      window.location.assign("/login");
    } catch (err) {
      setError((err as Error).message);
    }
  }
  return (
    <section aria-label="Sessions" className={`${cardClass} space-y-2`}>
      <h2 className="font-semibold">Sessions</h2>
      <p className={`text-sm ${mutedText}`}>Lost a laptop or used a shared computer? End all your sessions. API tokens are not affected; revoke them below.</p>
      <button type="button" onClick={run} className={dangerButton}>
        Log out everywhere
      </button>
      <ErrorText error={error} />
    </section>
  );
}
