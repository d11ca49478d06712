import { pageUser } from "@/lib/auth/page";
import { listUsers } from "@/lib/auth/users";
import { listTokens } from "@/lib/auth/api-tokens";
import { TokensPanel, type TokenView } from "@/components/account/TokensPanel";
import { UsersPanel, type UserView } from "@/components/admin/UsersPanel";
import { AdminOnly, PageHeader } from "@/components/ui";

export const dynamic = "force-dynamic";

export default async function UsersPage() {
  const me = await pageUser();
  if (me.role !== "admin") return <AdminOnly what="Users" />;
  const [users, tokens] = await Promise.all([listUsers(), listTokens({})]);
  return (
    <div className="space-y-6">
      <PageHeader title="Users" description="Accounts and their roles, and every API token." />
      <UsersPanel users={JSON.parse(JSON.stringify(users)) as UserView[]} meId={me.id} />
      <TokensPanel tokens={JSON.parse(JSON.stringify(tokens)) as TokenView[]} mode="all" />
    </div>
  );
}
