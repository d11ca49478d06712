"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { callApi } from "./api-client";

export function DeleteModelButton({ id, name }: { id: string; name: string }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  async function remove() {
    if (!confirm(`Delete model "${name}" and its files? This cannot be undone.`)) return;
    try {
      await callApi(`/api/models/${id}`, { method: "DELETE" });
      router.push("/models");
      router.refresh();
    } catch (err) {
      setError((err as Error).message);
    }
  }
  return (
    <>
      <button onClick={remove} className="rounded border border-red-300 px-3 py-1.5 text-sm text-red-700 hover:bg-red-50 dark:hover:bg-red-950">
        Delete model
      </button>
      {error && <span role="alert" className="text-sm text-red-600">{error}</span>}
    </>
  );
}
