"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { callApi } from "./api-client";
import { dangerButton, ErrorText, useConfirm, useToast } from "./ui";

export function DeleteModelButton({ id, name }: { id: string; name: string }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const confirm = useConfirm();
  const toast = useToast();
  async function remove() {
    const yes = await confirm({ title: `Delete model “${name}”?`, message: "Its files are deleted. This cannot be undone.", confirmLabel: "Delete model", danger: true });
    if (!yes) return;
    try {
      await callApi(`/api/models/${id}`, { method: "DELETE" });
      toast(`Deleted model “${name}”`);
      router.push("/models");
      router.refresh();
    } catch (err) {
      setError((err as Error).message);
    }
  }
  return (
    <>
      <button type="button" onClick={remove} className={dangerButton}>
        Delete model
      </button>
      <ErrorText error={error} />
    </>
  );
}
