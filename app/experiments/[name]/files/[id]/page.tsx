import { pageUser } from "@/lib/auth/page";
import Link from "next/link";
import { notFound } from "next/navigation";
import { FileDoctor } from "@/components/dataset/FileDoctor";
import { ApiError } from "@/lib/errors";
import { fileDetail } from "@/lib/dataset/files";
import { getExperimentRow } from "@/lib/experiments";
import { cleaningOf, cleaningOn, describeCleaning, SUGGESTED_CLEANING } from "@/lib/dataset/cleaning";
import { formatDuration } from "@/lib/format";
import { linkClass, PageHeader } from "@/components/ui";

export const dynamic = "force-dynamic";

/** One uploaded file as the dataset doctor sees it: waveform with flagged regions, measurements, slices, cleaning preview. */
export default async function FilePage({ params }: { params: Promise<{ name: string; id: string }> }) {
  const me = await pageUser();
  const { name, id } = await params;
  let detail;
  let experiment;
  try {
    experiment = await getExperimentRow(name);
    detail = await fileDetail(name, id);
  } catch (err) {
    if (err instanceof ApiError && (err.status === 404 || err.status === 400)) notFound();
    throw err;
  }
  const cleaning = cleaningOf(experiment.cleaning);
  const on = cleaningOn(cleaning);
  return (
    <div className="space-y-6">
      <PageHeader
        title={<span className="break-all">{detail.file.name}</span>}
        description={
          <>
            In{" "}
            <Link className={linkClass} href={`/experiments/${experiment.name}`}>
              {experiment.name}
            </Link>{" "}
            · {formatDuration(detail.file.durationSec)} · {detail.file.sampleRate ? `${detail.file.sampleRate / 1000} kHz` : "—"}
          </>
        }
      />
      <FileDoctor
        experiment={experiment.name}
        file={detail.file}
        slices={detail.slices}
        readOnly={me.role === "viewer"}
        cleaning={on ? describeCleaning(cleaning) : describeCleaning(SUGGESTED_CLEANING)}
        cleaningOn={on}
      />
    </div>
  );
}
