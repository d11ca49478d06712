import { pageUser } from "@/lib/auth/page";
import { ConvertWorkspace } from "@/components/convert/ConvertWorkspace";
import { PageHeader } from "@/components/ui";

export const dynamic = "force-dynamic";

/** Conversion page; `?model=<id>` preselects a model (linked from a model's page). */
export default async function ConvertPage({ searchParams }: { searchParams: Promise<{ model?: string | string[] }> }) {
  await pageUser();
  const { model } = await searchParams;
  return (
    <div className="space-y-6">
      <PageHeader title="Convert" description="Turn a recording into a model's voice: upload or record a clip, pick a model, listen and download." />
      <ConvertWorkspace initialModelId={typeof model === "string" ? model : null} />
    </div>
  );
}
