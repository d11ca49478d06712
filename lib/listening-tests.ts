/**
 * Blind A/B listening tests of two checkpoint epochs (issue 15). A test is created pending with the two epochs in a
 * random order (`epochA` plays as "A"); until it is answered the API names only the test and the label, never an
 * epoch (`…/listening-tests/{id}/audio/A|B`). The answer stores the winner (an epoch, or null for "no difference")
 * and reveals both epochs.
 */
import { randomInt } from "node:crypto";
import fs from "node:fs/promises";

import { conflict, notFound } from "./errors";
import type { ServedFile } from "./file-response";
import { getExperimentRow } from "./experiments";
import { paths } from "./paths";
import { previewFile } from "./checkpoints";
import { assertMayChange } from "./auth/ownership";
import { currentUserId } from "./auth/context";
import { db, type Db, type ListeningTest } from "./db";
import { assign, choiceOf, tally, winnerOf, type Choice } from "./listening-test-rules";

export const LIST_LIMIT = 200;
const exists = (file: string) => fs.access(file).then(() => true, () => false);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;


const audioUrl = (name: string, id: string, label: "A" | "B") => `/api/experiments/${encodeURIComponent(name)}/listening-tests/${id}/audio/${label}`;

/** A pending test as the API shows it: the two clips' URLs, no epoch. */
export const pendingView = (name: string, t: ListeningTest) => ({
  id: t.id,
  status: "pending" as const,
  audio: { A: audioUrl(name, t.id, "A"), B: audioUrl(name, t.id, "B") },
  createdById: t.createdById,
  createdAt: t.createdAt.toISOString(),
});

/** An answered test: the epochs behind A and B and the winner. */
export const answeredView = (t: ListeningTest & { answeredAt: Date }) => ({
  id: t.id,
  status: "answered" as const,
  epochA: t.epochA,
  epochB: t.epochB,
  choice: choiceOf(t),
  winner: t.winner,
  createdById: t.createdById,
  createdAt: t.createdAt.toISOString(),
  answeredAt: t.answeredAt.toISOString(),
});

const isAnswered = (t: ListeningTest): t is ListeningTest & { answeredAt: Date } => t.answeredAt !== null;
export const toApiTest = (name: string, t: ListeningTest) => (isAnswered(t) ? answeredView(t) : pendingView(name, t));

/** POST …/listening-tests: both epochs need a preview on disk (404 `preview_not_found` naming those that have one). */
export async function createListeningTest(name: string, epochs: readonly [number, number], prisma: Db = db()) {
  const experiment = await getExperimentRow(name, prisma);
  const expDir = paths().experimentDir(experiment.name);
  const missing = [];
  for (const e of epochs) if (!(await exists(previewFile(expDir, e)))) missing.push(e);
  if (missing.length) {
    const available = (await fs.readdir(`${expDir}/previews`).catch(() => [] as string[]))
      .map((f) => /^e(\d+)\.wav$/.exec(f)?.[1])
      .filter((e): e is string => e !== undefined)
      .map(Number)
      .sort((a, b) => a - b);
    throw notFound("preview_not_found", `"${experiment.name}" has no preview for epoch ${missing.join(" and ")}${available.length ? `; these have one: ${available.join(", ")}` : " (train with held-out clips or a probe clip first)"}`, { missing, available });
  }
  const test = await prisma.listeningTest.create({ data: { experimentId: experiment.id, ...assign(epochs, randomInt(2)), createdById: currentUserId() } });
  return pendingView(experiment.name, test);
}

async function findTest(name: string, id: string, prisma: Db) {
  const experiment = await getExperimentRow(name, prisma);
  const test = UUID.test(id) ? await prisma.listeningTest.findFirst({ where: { id, experimentId: experiment.id } }) : null;
  if (!test) throw notFound("listening_test_not_found", `"${experiment.name}" has no listening test ${JSON.stringify(id.slice(0, 80))}`, { id: id.slice(0, 80) });
  return { experiment, test };
}

/** GET …/listening-tests: newest first, and the tally per epoch over every answered test of the experiment. */
export async function listListeningTests(name: string, prisma: Db = db()) {
  const experiment = await getExperimentRow(name, prisma);
  const [recent, answered] = await Promise.all([
    prisma.listeningTest.findMany({ where: { experimentId: experiment.id }, orderBy: { createdAt: "desc" }, take: LIST_LIMIT }),
    prisma.listeningTest.findMany({ where: { experimentId: experiment.id, answeredAt: { not: null } }, select: { epochA: true, epochB: true, winner: true, answeredAt: true } }),
  ]);
  return { tests: recent.map((t) => toApiTest(experiment.name, t)), tally: tally(answered) };
}

/** GET …/listening-tests/{id}/audio/{label}: served under a name without the epoch. */
export async function listeningTestAudio(name: string, id: string, label: "A" | "B", prisma: Db = db()): Promise<ServedFile> {
  const { experiment, test } = await findTest(name, id, prisma);
  const file = previewFile(paths().experimentDir(experiment.name), label === "A" ? test.epochA : test.epochB);
  return { path: file, type: "audio/wav", name: `${experiment.name}.ab-${test.id.slice(0, 8)}-${label}.wav` };
}

/** POST …/listening-tests/{id}/answer: once (409 after), by its creator or an admin. */
export async function answerListeningTest(name: string, id: string, choice: Choice, prisma: Db = db()) {
  const { test } = await findTest(name, id, prisma);
  await assertMayChange({ what: `listening test ${test.id.slice(0, 8)}`, createdById: test.createdById }, "answer", prisma);
  // only a pending row is updated, so two answers at once cannot both win
  const done = await prisma.listeningTest.updateMany({ where: { id: test.id, answeredAt: null }, data: { winner: winnerOf(test, choice), answeredAt: new Date() } });
  const now = await prisma.listeningTest.findUniqueOrThrow({ where: { id: test.id } });
  if (!isAnswered(now)) throw new Error("listening test not answered after its update");
  if (done.count === 0) throw conflict("already_answered", "This listening test was already answered", { test: answeredView(now) });
  return answeredView(now);
}
