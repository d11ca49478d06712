/** tus 1.0.0 endpoint (see lib/uploads/tus.ts): POST creates, HEAD/PATCH resume, DELETE terminates. */
import { handleTus } from "@/lib/uploads/tus";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = handleTus;
export const HEAD = handleTus;
export const POST = handleTus;
export const PATCH = handleTus;
export const DELETE = handleTus;
export const OPTIONS = handleTus;
