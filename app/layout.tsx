import type { Metadata } from "next";
import Link from "next/link";
import { UserMenu } from "@/components/UserMenu";
import { UiProviders } from "@/components/ui/Providers";
import { currentPageUser } from "@/lib/auth/page";
import "./globals.css";

export const metadata: Metadata = {
  title: "Voice Studio",
  description: "Train RVC voice models from your own recordings",
};

const navLink = "text-sm text-zinc-700 hover:text-zinc-950 dark:text-zinc-300 dark:hover:text-white";
/** the nav by role: everyone sees the work pages and Account; members and admins Webhooks; admins also Users, Activity and System */
const LINKS: { href: string; label: string; admin?: true; member?: true }[] = [
  { href: "/", label: "Experiments" },
  { href: "/models", label: "Models" },
  { href: "/convert", label: "Convert" },
  { href: "/jobs", label: "Jobs" },
  { href: "/webhooks", label: "Webhooks", member: true },
  { href: "/account", label: "Account" },
  { href: "/admin/users", label: "Users", admin: true },
  { href: "/admin/activity", label: "Activity", admin: true },
  { href: "/system", label: "System", admin: true },
];

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  const me = await currentPageUser();
  return (
    <html lang="en">
      <body className="min-h-screen bg-zinc-50 text-zinc-900 antialiased dark:bg-zinc-950 dark:text-zinc-100">
        <UiProviders>
          <header className="border-b border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
            <nav aria-label="Main" className="mx-auto flex max-w-5xl flex-wrap items-center gap-x-5 gap-y-2 px-4 py-3">
              <Link href="/" className="text-lg font-semibold tracking-tight">
                Voice Studio
              </Link>
              {me && (
                <>
                  {LINKS.filter((l) => (l.admin !== true || me.role === "admin") && (l.member !== true || me.role !== "viewer")).map((l) => (
                    <Link key={l.href} href={l.href} className={navLink}>
                      {l.label}
                    </Link>
                  ))}
                  <UserMenu name={me.name} role={me.role} />
                </>
              )}
            </nav>
          </header>
          <main className="mx-auto max-w-5xl px-4 py-6 sm:py-8">{children}</main>
        </UiProviders>
      </body>
    </html>
  );
}
