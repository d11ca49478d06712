import { fileResponse, route } from "@/lib/http";
import { conversionAudio } from "@/lib/conversions";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** The converted audio (audio/wav); ?download=1 as an attachment. 409 until the conversion has succeeded. */
export const GET = route(async (req, { params }: { params: Promise<{ id: string }> }) =>
  fileResponse(await conversionAudio((await params).id), new URL(req.url).searchParams.get("download") === "1"),
);
