/**
 * User-supplied pretrained G/D weights for `pretrained: {g, d}` in train requests, kept in
 * DATA_ROOT/pretrained/. A file must be a PyTorch checkpoint that the trainer reads (restricted unpickler) with G or
 * D weights in the right field; whether its
 * tensors fit the model is checked strictly by the trainer, which names the first mismatch.
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { config } from "./config";
import { badRequest, ApiError } from "./errors";
import { moveFile, type MultipartRules, type StagedFile, type StagedForm } from "./multipart";
import { paths } from "./paths";
import { runTrainerCommand, trainerFailure } from "./trainer-cli";

const NAME = /^[A-Za-z0-9._-]{1,120}$/;

/** torch.save writes a zip archive (torch ≥ 1.6) or, in the legacy format, a pickle (protocol 2+). */
export function looksLikeTorchCheckpoint(head: Uint8Array): boolean {
  const zip = head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04;
  const pickle = head[0] === 0x80 && head[1] !== undefined && head[1] >= 2 && head[1] <= 5;
  return zip || pickle;
}

/** A safe stored name derived from the uploaded one: letters, digits, '.', '-', '_' and a .pth ending. */
export function storedPretrainedName(original: string, role: "g" | "d"): string {
  const base = path.basename(original).replace(/\.pth$/i, "").replace(/[^A-Za-z0-9._-]+/g, "_").replace(/^[._]+/, "").slice(0, 80) || role.toUpperCase();
  return `${base}-${randomBytes(3).toString("hex")}.pth`;
}

function checkName(fileName: string, role: "g" | "d"): void {
  if (!/\.pth$/i.test(fileName)) throw new ApiError(415, "unsupported_type", `${role.toUpperCase()}: "${fileName}" is not a .pth file`, { field: role });
}

function checked(file: StagedFile, role: "g" | "d"): void {
  const R = role.toUpperCase();
  checkName(file.name, role);
  if (file.bytes === 0) throw new ApiError(422, "empty_file", `${R}: "${file.name}" is empty`, { field: role });
  if (file.bytes > config().maxUploadBytes) throw new ApiError(413, "upload_too_large", `${R}: "${file.name}" is larger than MAX_UPLOAD_BYTES`, { field: role });
  if (!looksLikeTorchCheckpoint(file.head.subarray(0, 8))) {
    throw new ApiError(422, "not_a_checkpoint", `${R}: "${file.name}" is not a PyTorch checkpoint (neither a torch zip archive nor a pickle)`, { field: role });
  }
}

/** The rules of the upload form: files `g` and `d`, nothing else; names checked before any content is read. */
export function pretrainedFormRules(): MultipartRules {
  const max = config().maxUploadBytes;
  const rule = (role: "g" | "d") => ({
    maxBytes: max,
    required: true,
    missing: `send the ${role === "g" ? "generator" : "discriminator"} weights as form field "${role}"`,
    checkName: (n: string) => checkName(n, role),
  });
  return {
    files: { g: rule("g"), d: rule("d") },
    fields: [],
    tooLarge: ({ field, limit }) => new ApiError(413, "upload_too_large", `${field ? `${field.toUpperCase()} is` : "The request is"} larger than MAX_UPLOAD_BYTES (${limit} bytes)`, { field: field ?? null, limit }),
  };
}

const ROLE_NAME = { g: "generator", d: "discriminator" } as const;

/**
 * The trainer's `inspect --checkpoint` reads the file through its restricted unpickler (a file naming any Python
 * global a checkpoint never needs is refused, nothing run) and says whether it holds G or D weights.
 */
async function inspected(file: StagedFile, role: "g" | "d"): Promise<void> {
  const R = role.toUpperCase();
  const run = await runTrainerCommand(["inspect", "--checkpoint", file.path]);
  const info = run.events.find((e) => e.type === "checkpoint") as { role: "g" | "d" | null } | undefined;
  if (run.code !== 0 || !info) {
    const why = trainerFailure(run).replaceAll(file.path, file.name);
    throw new ApiError(422, "not_a_checkpoint", `${R}: "${file.name}" is not usable ${ROLE_NAME[role]} weights: ${why}`, { field: role });
  }
  if (info.role && info.role !== role) {
    throw new ApiError(422, "wrong_role", `${R}: "${file.name}" holds ${ROLE_NAME[info.role]} weights; send it as "${info.role}"`, { field: role });
  }
}

/** Check both staged files first, then move both into place: a bad pair stores nothing. */
export async function saveCustomPretrained(files: { g: StagedFile; d: StagedFile }): Promise<{ g: string; d: string }> {
  checked(files.g, "g");
  checked(files.d, "d");
  await inspected(files.g, "g");
  await inspected(files.d, "d");
  const out = { g: storedPretrainedName(files.g.name, "g"), d: storedPretrainedName(files.d.name, "d") };
  const written: string[] = [];
  try {
    for (const role of ["g", "d"] as const) {
      const dest = paths().customPretrained(out[role]);
      await fs.mkdir(path.dirname(dest), { recursive: true });
      await moveFile(files[role].path, `${dest}.part`);
      await fs.rename(`${dest}.part`, dest);
      written.push(dest);
    }
  } catch (err) {
    await Promise.all(written.map((f) => fs.rm(f, { force: true })));
    throw err;
  }
  return out;
}

export async function listCustomPretrained(): Promise<{ name: string; bytes: number; modifiedAt: string }[]> {
  const dir = path.dirname(paths().customPretrained("x.pth"));
  const names = (await fs.readdir(dir).catch(() => [] as string[])).filter((n) => n.endsWith(".pth") && NAME.test(n)).sort();
  return Promise.all(
    names.map(async (name) => {
      const st = await fs.stat(path.join(dir, name));
      return { name, bytes: st.size, modifiedAt: st.mtime.toISOString() };
    }),
  );
}

/** A staged file the rules made required (readMultipart has refused its absence already). */
export function requireStagedFile(form: StagedForm, field: "g" | "d"): StagedFile {
  const f = form.files[field];
  if (!f) throw badRequest("missing_file", `send the ${field === "g" ? "generator" : "discriminator"} weights as form field "${field}"`, { field });
  return f;
}
