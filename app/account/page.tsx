import { pageUser } from "@/lib/auth/page";
import { listTokens } from "@/lib/auth/api-tokens";
import { LogoutEverywhere } from "@/components/account/LogoutEverywhere";
import { PasswordForm } from "@/components/account/PasswordForm";
import { TokensPanel, type TokenView } from "@/components/account/TokensPanel";
import { Badge, Card, mutedText, PageHeader } from "@/components/ui";

export const dynamic = "force-dynamic";

const CAN = {
  admin: "everything: users, tokens of others, the System page, deleting anything",
  member: "experiments, uploads, jobs, models and conversions; deleting what you created",
  viewer: "read, listen and download",
} as const;

export default async function AccountPage() {
  const me = await pageUser();
  const tokens = JSON.parse(JSON.stringify(await listTokens({ userId: me.id }))) as TokenView[];
  return (
    <div className="space-y-6">
      <PageHeader title="Account" description="Your password, your sessions and your API tokens." />
      <Card label="You">
        <div className="flex flex-wrap items-center gap-2">
          <span className="break-words text-lg font-medium" data-testid="account-name">
            {me.name}
          </span>
          <Badge>{me.role}</Badge>
        </div>
        <p className={`text-sm ${mutedText}`}>As {me.role === "admin" ? "an" : "a"} {me.role} you can do {CAN[me.role]}.</p>
      </Card>
      <PasswordForm />
      <LogoutEverywhere />
      <TokensPanel tokens={tokens} mode="own" />
    </div>
  );
}
