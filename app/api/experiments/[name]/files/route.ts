import { json, route } from "@/lib/http";
import { listFiles } from "@/lib/uploads/files";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

type Ctx = { params: Promise<{ name: string }> };

/** The experiment's files and its dataset card. */
export const GET = route("viewer", async (_req, { params }: Ctx) => json(await listFiles((await params).name)));
