import { pageUser } from "@/lib/auth/page";
import { ConvertWorkspace } from "@/components/convert/ConvertWorkspace";

export const dynamic = "force-dynamic";

/** Conversion page; `?model=<id>` preselects a model (linked from a model's page). */
export default async function ConvertPage({ searchParams }: { searchParams: Promise<{ model?: string | string[] }> }) {
  await pageUser();
  const { model } = await searchParams;
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">Convert</h1>
      <ConvertWorkspace initialModelId={typeof model === "string" ? model : null} />
    </div>
  );
}
