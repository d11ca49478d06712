import { pageUser } from "@/lib/auth/page";
import { listActivity } from "@/lib/auth/activity";
import { ActivityList, type ActivityView } from "@/components/admin/ActivityList";
import { AdminOnly, mutedText } from "@/components/ui";

export const dynamic = "force-dynamic";

const PAGE = 50;

export default async function ActivityPage() {
  const me = await pageUser();
  if (me.role !== "admin") return <AdminOnly what="Activity" />;
  const rows = await listActivity({ limit: PAGE });
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">Activity</h1>
      <p className={`text-sm ${mutedText}`}>Every change made through the app or the API, newest first: logins, uploads, jobs, deletions, accounts and tokens.</p>
      <ActivityList initial={JSON.parse(JSON.stringify(rows)) as ActivityView[]} pageSize={PAGE} />
    </div>
  );
}
