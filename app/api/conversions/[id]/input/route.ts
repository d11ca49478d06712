import { fileResponse, route } from "@/lib/http";
import { conversionInput } from "@/lib/conversions";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** The original input of a conversion, for listening side by side with the result. */
export const GET = route(async (req, { params }: { params: Promise<{ id: string }> }) =>
  fileResponse(await conversionInput((await params).id), new URL(req.url).searchParams.get("download") === "1"),
);
