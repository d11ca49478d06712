import { listPretrained as listSpec, uploadPretrained as uploadSpec } from "@/lib/api/models";
import { route } from "@/lib/http";
import { withMultipart } from "@/lib/multipart";
import { listCustomPretrained, pretrainedFormRules, requireStagedFile, saveCustomPretrained } from "@/lib/pretrained";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = route(listSpec, async ({ reply }) => reply(200, { files: await listCustomPretrained() }));

/** multipart/form-data with `g` and `d` (.pth), streamed to disk: stores both, answers the names to use as `pretrained: {g, d}`. */
export const POST = route(uploadSpec, async ({ req, reply }) =>
  withMultipart(req, pretrainedFormRules(), async (form) =>
    reply(201, { pretrained: await saveCustomPretrained({ g: requireStagedFile(form, "g"), d: requireStagedFile(form, "d") }) }),
  ),
);

// any other method: 405 in the API's error shape with Allow (lib/http-methods.ts)
import { otherMethods } from "@/lib/http-methods";
export const { PUT, PATCH, DELETE } = otherMethods("GET", "POST");
