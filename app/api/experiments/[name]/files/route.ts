import { json, route } from "@/lib/http";
import { listFiles } from "@/lib/uploads/files";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

type Ctx = { params: Promise<{ name: string }> };

/** The experiment's files and its dataset card. */
export const GET = route("viewer", async (_req, { params }: Ctx) => json(await listFiles((await params).name)));

// any other method: 405 in the API's error shape with Allow (lib/http-methods.ts)
import { otherMethods } from "@/lib/http-methods";
export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
