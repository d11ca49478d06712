import { pageUser } from "@/lib/auth/page";
import { listEndpoints } from "@/lib/webhooks/endpoints";
import { WebhooksPanel, type WebhookView } from "@/components/webhooks/WebhooksPanel";
import { mutedText, PageHeader } from "@/components/ui";

export const dynamic = "force-dynamic";

export default async function WebhooksPage() {
  const me = await pageUser();
  if (me.role === "viewer") {
    return (
      <div className="space-y-6">
        <PageHeader title="Webhooks" description="Signed messages to your URLs when a job ends, a model is created or a conversion is ready." />
        <p className={`text-sm ${mutedText}`}>Webhooks are for members and admins.</p>
      </div>
    );
  }
  const webhooks = JSON.parse(JSON.stringify(await listEndpoints({ userId: me.id, admin: me.role === "admin" }))) as WebhookView[];
  return (
    <div className="space-y-6">
      <PageHeader
        title="Webhooks"
        description={
          <>
            Voice Studio POSTs a signed JSON message to your URL when something happens: a job ends, a model is created, a conversion is ready. Each
            message carries <code>webhook-id</code>, <code>webhook-timestamp</code> and <code>webhook-signature</code> (Standard Webhooks, HMAC-SHA256 with
            the endpoint&apos;s secret). A failed delivery is retried with growing pauses for about an hour.
            {me.role === "admin" ? " As an admin you see everyone's endpoints, and yours get every event." : " Your endpoints get the events of what you created."}
          </>
        }
      />
      <WebhooksPanel webhooks={webhooks} showOwner={me.role === "admin"} />
    </div>
  );
}
