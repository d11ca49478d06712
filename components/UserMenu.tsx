"use client";

/** Name, role and "Log out" in the nav. */
export function UserMenu({ name, role }: { name: string; role: string }) {
  async function logout() {
    await fetch("/api/auth/logout", { method: "POST" }).catch(() => {});
    window.location.assign("/login");
  }
  return (
    <div className="ml-auto flex items-center gap-3 text-sm" aria-label="User">
      <span data-testid="user-name">{name}</span>
      <span className="rounded bg-zinc-100 px-1.5 py-0.5 text-xs text-zinc-600 dark:bg-zinc-800 dark:text-zinc-300" data-testid="user-role">
        {role}
      </span>
      <button type="button" onClick={logout} className="text-zinc-600 hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-white">
        Log out
      </button>
    </div>
  );
}
