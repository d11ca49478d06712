"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { callApi, type User } from "../api-client";
import { Badge, cardClass, dangerButton, ErrorText, When, inputClass, listRow, mutedText, primaryButton, secondaryButton, smallSelect, useConfirm } from "../ui";

/** An account as GET /api/users answers it (lib/api/common.ts). */
export type UserView = User;

const ROLES = ["admin", "member", "viewer"] as const;

/** The admin's list of accounts: create, change role, disable/enable, reset password. */
export function UsersPanel({ users, meId }: { users: UserView[]; meId: string }) {
  const router = useRouter();
  return (
    <div className="space-y-4">
      <NewUser onCreated={() => router.refresh()} />
      <section aria-label="Users" className={cardClass}>
        <h2 className="mb-2 font-semibold">Users ({users.length})</h2>
        <ul className="text-sm">
          {users.map((u) => (
            <UserRow key={u.id} user={u} isMe={u.id === meId} onChanged={() => router.refresh()} />
          ))}
        </ul>
      </section>
    </div>
  );
}

function NewUser({ onCreated }: { onCreated: () => void }) {
  const [name, setName] = useState("");
  const [role, setRole] = useState<UserView["role"]>("member");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setError(null);
    setDone(null);
    setBusy(true);
    try {
      await callApi("/api/users", { method: "POST", body: JSON.stringify({ name, role, password }) });
      setDone(`Created ${role} “${name}”. Give them the password; they can change it on their Account page.`);
      setName("");
      setPassword("");
      onCreated();
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={submit} aria-label="New user" className={`${cardClass} space-y-3`}>
      <h2 className="font-semibold">New user</h2>
      <div className="grid gap-3 sm:grid-cols-4">
        <label className="block text-sm">
          Name
          <input name="name" className={inputClass} value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" maxLength={64} required />
        </label>
        <label className="block text-sm">
          Role
          <select name="role" className={inputClass} value={role} onChange={(e) => setRole(e.target.value as UserView["role"])}>
            {ROLES.map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
        </label>
        <label className="block text-sm">
          Initial password
          <input name="password" type="password" className={inputClass} value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="new-password" minLength={8} required />
        </label>
        <div className="flex items-end">
          <button type="submit" disabled={busy} className={`w-full ${primaryButton}`}>
            {busy ? "Creating…" : "Create user"}
          </button>
        </div>
      </div>
      {done && (
        <p role="status" className="text-sm text-green-700 dark:text-green-400">
          {done}
        </p>
      )}
      <ErrorText error={error} />
    </form>
  );
}

function UserRow({ user, isMe, onChanged }: { user: UserView; isMe: boolean; onChanged: () => void }) {
  const [error, setError] = useState<string | null>(null);
  const [info, setInfo] = useState<string | null>(null);
  const [resetting, setResetting] = useState(false);
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const confirm = useConfirm();

  async function patch(body: Partial<{ role: string; disabled: boolean; password: string }>, said: string): Promise<boolean> {
    setError(null);
    setInfo(null);
    setBusy(true);
    try {
      await callApi(`/api/users/${user.id}`, { method: "PATCH", body: JSON.stringify(body) });
      setInfo(said);
      onChanged();
      return true;
    } catch (err) {
      setError((err as Error).message);
      return false;
    } finally {
      setBusy(false);
    }
  }

  async function toggleDisabled() {
    if (
      !user.disabled &&
      !(await confirm({
        title: `Disable “${user.name}”?`,
        message: "Their sessions end and their API tokens stop working until you enable the account again.",
        confirmLabel: "Disable",
        danger: true,
      }))
    )
      return;
    await patch({ disabled: !user.disabled }, user.disabled ? "Enabled." : "Disabled; their sessions have ended.");
  }

  async function reset(e: React.FormEvent) {
    e.preventDefault();
    if (await patch({ password }, "Password set; their sessions have ended.")) {
      setPassword("");
      setResetting(false);
    }
  }

  return (
    <li className={`${listRow} ${user.disabled ? "opacity-70" : ""}`} data-testid="user-row" aria-label={`User ${user.name}`}>
      <div className="min-w-0 flex-1 basis-44">
        <div className="flex flex-wrap items-center gap-2">
          <span className="break-words font-medium">{user.name}</span>
          {isMe && <Badge>you</Badge>}
          {user.disabled && <Badge tone="warn">disabled</Badge>}
        </div>
        <div className={`text-xs ${mutedText}`}>created <When at={user.createdAt} /></div>
      </div>
      <label className="text-sm">
        <span className="sr-only">Role of {user.name}</span>
        <select
          aria-label={`Role of ${user.name}`}
          className={smallSelect}
          value={user.role}
          disabled={busy}
          onChange={(e) => void patch({ role: e.target.value }, `Role changed to ${e.target.value}.`)}
        >
          {ROLES.map((r) => (
            <option key={r}>{r}</option>
          ))}
        </select>
      </label>
      <button type="button" className={user.disabled ? secondaryButton : dangerButton} disabled={busy} onClick={toggleDisabled}>
        {user.disabled ? "Enable" : "Disable"}
      </button>
      <button type="button" className={secondaryButton} disabled={busy} onClick={() => setResetting(!resetting)} aria-expanded={resetting}>
        Reset password
      </button>
      {resetting && (
        <form onSubmit={reset} aria-label={`New password for ${user.name}`} className="flex w-full flex-wrap items-end gap-2">
          <label className="block min-w-0 flex-1 basis-48 text-sm">
            New password for {user.name}
            <input type="password" className={inputClass} value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="new-password" minLength={8} required />
          </label>
          <button type="submit" disabled={busy} className={primaryButton}>
            Set password
          </button>
        </form>
      )}
      {(error || info) && (
        <div className="w-full">
          <ErrorText error={error} />
          {info && (
            <p role="status" className="text-sm text-green-700 dark:text-green-400">
              {info}
            </p>
          )}
        </div>
      )}
    </li>
  );
}
