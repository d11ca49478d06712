import { pageUser } from "@/lib/auth/page";
import { listActivity } from "@/lib/auth/activity";
import { ActivityList, type ActivityView } from "@/components/admin/ActivityList";
import { AdminOnly, PageHeader } from "@/components/ui";

export const dynamic = "force-dynamic";

const PAGE = 50;

export default async function ActivityPage() {
  const me = await pageUser();
  if (me.role !== "admin") return <AdminOnly what="Activity" />;
  const rows = await listActivity({ limit: PAGE });
  return (
    <div className="space-y-6">
      <PageHeader title="Activity" description="Every change made through the app or the API, newest first: logins, uploads, jobs, deletions, accounts and tokens." />
      <ActivityList initial={JSON.parse(JSON.stringify(rows)) as ActivityView[]} pageSize={PAGE} />
    </div>
  );
}
