import { pageUser } from "@/lib/auth/page";
import { separationModelMissing } from "@/lib/separation-rules";
import { ConvertWorkspace } from "@/components/convert/ConvertWorkspace";
import { PageHeader } from "@/components/ui";

export const dynamic = "force-dynamic";

/**
 * Conversion page; `?model=<id>` preselects a model (linked from a model's page). The separation model is looked
 * for here, as POST /api/covers does, so song mode can say what is missing before anything is uploaded.
 */
export default async function ConvertPage({ searchParams }: { searchParams: Promise<{ model?: string | string[] }> }) {
  await pageUser();
  const { model } = await searchParams;
  // the very answer POST /api/covers would give (503 separation_model_missing), so both say the same
  const missing = separationModelMissing();
  return (
    <div className="space-y-6">
      <PageHeader title="Convert" description="Turn a recording or a song into a model's voice: upload or record a clip, pick a model, listen and download." />
      <ConvertWorkspace initialModelId={typeof model === "string" ? model : null} separationProblem={missing && { message: missing.message, fix: String(missing.details?.fix) }} />
    </div>
  );
}
