import type { Metadata } from "next";
import Link from "next/link";
import { UserMenu } from "@/components/UserMenu";
import { currentPageUser } from "@/lib/auth/page";
import "./globals.css";

export const metadata: Metadata = {
  title: "Voice Studio",
  description: "Train RVC voice models from your own recordings",
};

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  const me = await currentPageUser();
  return (
    <html lang="en">
      <body className="min-h-screen bg-zinc-50 text-zinc-900 dark:bg-zinc-950 dark:text-zinc-100">
        <header className="border-b border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
          <nav className="mx-auto flex max-w-5xl items-center gap-6 px-4 py-3">
            <Link href="/" className="text-lg font-semibold tracking-tight">
              Voice Studio
            </Link>
            <Link href="/" className="text-sm text-zinc-600 hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-white">
              Experiments
            </Link>
            <Link href="/models" className="text-sm text-zinc-600 hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-white">
              Models
            </Link>
            <Link href="/convert" className="text-sm text-zinc-600 hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-white">
              Convert
            </Link>
            <Link href="/jobs" className="text-sm text-zinc-600 hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-white">
              Jobs
            </Link>
            {me?.role === "admin" && (
              <Link href="/system" className="text-sm text-zinc-600 hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-white">
                System
              </Link>
            )}
            {me && <UserMenu name={me.name} role={me.role} />}
          </nav>
        </header>
        <main className="mx-auto max-w-5xl px-4 py-8">{children}</main>
      </body>
    </html>
  );
}
