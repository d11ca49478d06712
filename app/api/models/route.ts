import { json, route } from "@/lib/http";
import { listModels } from "@/lib/models";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = route("viewer", async () => json({ models: await listModels() }));
