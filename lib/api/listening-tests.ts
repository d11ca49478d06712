/**
 * Specs of the blind A/B listening tests (app/api/experiments/[name]/listening-tests/**), issue 15: two checkpoint
 * previews served as "A" and "B" in a random order; the epochs are revealed only by the answer.
 */
import { z } from "zod";
import { ExperimentName, PathId, Timestamp, Uuid } from "./common";
import { FILE_HEADERS, partialContent, RANGE_HEADER, RANGE_NOT_SATISFIABLE, WAV } from "./fragments";
import { BODY_CODES, DB_DOWN, defineRoute, err, INTERNAL, ok } from "./spec";

const NameParams = z.strictObject({ name: ExperimentName.meta({ description: "experiment name" }) });
const TestParams = z.strictObject({
  name: ExperimentName.meta({ description: "experiment name" }),
  id: PathId.meta({ description: "listening test id" }),
});
const AudioParams = z.strictObject({
  name: ExperimentName.meta({ description: "experiment name" }),
  id: PathId.meta({ description: "listening test id" }),
  label: z.enum(["A", "B"], { error: 'must be "A" or "B"' }).meta({ description: "which of the two clips" }),
});

const EPOCHS_RULE = "must be two different checkpoint epochs, e.g. [5, 10]";
const EpochNumber = z.int({ error: EPOCHS_RULE }).min(1, { error: EPOCHS_RULE }).max(100_000, { error: EPOCHS_RULE });
export const CreateListeningTestBody = z.strictObject({
  epochs: z
    .tuple([EpochNumber, EpochNumber], { error: EPOCHS_RULE })
    .refine(([a, b]) => a !== b, { error: EPOCHS_RULE })
    .meta({ description: "the two epochs to compare (each needs a preview); which one plays as A is random" }),
});
export const AnswerListeningTestBody = z.strictObject({
  choice: z.enum(["A", "B", "none"], { error: 'must be "A", "B" or "none" (no difference)' }).meta({ description: "the better clip, or none" }),
});

/** A test as the listener sees it before answering: no epochs, only the two clips' URLs. */
export const PendingListeningTest = z
  .strictObject({
    id: Uuid,
    status: z.literal("pending"),
    audio: z.strictObject({ A: z.string(), B: z.string() }).meta({ description: "URLs of the two clips (opaque: they name the test and the label, never an epoch)" }),
    createdById: Uuid.nullable(),
    createdAt: Timestamp,
  })
  .meta({ id: "PendingListeningTest" });

/** An answered test: the epochs behind A and B and the winner. */
export const AnsweredListeningTest = z
  .strictObject({
    id: Uuid,
    status: z.literal("answered"),
    epochA: z.int(),
    epochB: z.int(),
    choice: z.enum(["A", "B", "none"]),
    winner: z.int().nullable().meta({ description: "the epoch chosen; null: no difference" }),
    createdById: Uuid.nullable(),
    createdAt: Timestamp,
    answeredAt: Timestamp,
  })
  .meta({ id: "AnsweredListeningTest" });

export const ListeningTestTally = z
  .strictObject({
    epoch: z.int(),
    wins: z.int(),
    losses: z.int(),
    ties: z.int().meta({ description: "answered \"no difference\"" }),
  })
  .meta({ id: "ListeningTestTally" });

export const ListeningTestList = z
  .strictObject({
    tests: z.array(z.union([AnsweredListeningTest, PendingListeningTest])).meta({ description: "newest first (at most 200)" }),
    tally: z.array(ListeningTestTally).meta({ description: "per epoch over the answered tests, by epoch" }),
  })
  .meta({ id: "ListeningTestList" });

const noExperiment = err("No experiment with that name", ["experiment_not_found"]);
const noTest = err("No experiment with that name, or no such test of it", ["experiment_not_found", "listening_test_not_found"]);
const tags = ["experiments"];

export const listListeningTests = defineRoute({
  method: "GET",
  path: "/api/experiments/{name}/listening-tests",
  operationId: "listListeningTests",
  access: "viewer",
  tags,
  summary: "The blind A/B tests of the experiment's checkpoints (pending ones without their epochs) and the wins/losses per epoch",
  params: NameParams,
  responses: { 200: ok("The tests and the tally", ListeningTestList), 400: err("Bad experiment name", ["invalid_name"]), 404: noExperiment, 500: INTERNAL, 503: DB_DOWN },
});

export const createListeningTest = defineRoute({
  method: "POST",
  path: "/api/experiments/{name}/listening-tests",
  operationId: "createListeningTest",
  access: "member",
  tags,
  summary: "Start a blind A/B test of two epochs' previews: they are served as A and B in a random order, the epochs hidden until the answer",
  params: NameParams,
  body: CreateListeningTestBody,
  responses: {
    201: ok("Created (pending)", z.strictObject({ test: PendingListeningTest })),
    400: err("Bad experiment name or epochs", ["invalid_name", ...BODY_CODES, "unknown_field", "invalid_epochs"]),
    404: err("No experiment with that name, or one of the epochs has no preview (`details.available` lists the epochs that have one)", ["experiment_not_found", "preview_not_found"]),
    500: INTERNAL,
    503: DB_DOWN,
  },
});

export const getListeningTestAudio = defineRoute({
  method: "GET",
  path: "/api/experiments/{name}/listening-tests/{id}/audio/{label}",
  operationId: "getListeningTestAudio",
  access: "viewer",
  tags,
  summary: "Clip A or B of a listening test (wav; one byte range supported); neither the URL nor the headers name the epoch",
  params: AudioParams,
  parameters: [RANGE_HEADER],
  responses: {
    200: { description: "The wav", headers: FILE_HEADERS, content: WAV },
    206: partialContent(WAV),
    400: err("Bad experiment name or label", ["invalid_name", "invalid_label"]),
    404: err("No such test, or its preview is gone", ["experiment_not_found", "listening_test_not_found", "preview_not_found"]),
    416: RANGE_NOT_SATISFIABLE,
    500: INTERNAL,
    503: DB_DOWN,
  },
});

export const answerListeningTest = defineRoute({
  method: "POST",
  path: "/api/experiments/{name}/listening-tests/{id}/answer",
  operationId: "answerListeningTest",
  access: "member",
  tags,
  summary: "Answer a pending test (A, B or none): the answer is stored and the epochs behind A and B are revealed",
  params: TestParams,
  body: AnswerListeningTestBody,
  responses: {
    200: ok("Stored; the test with its epochs", z.strictObject({ test: AnsweredListeningTest })),
    400: err("Bad choice", ["invalid_name", ...BODY_CODES, "unknown_field", "invalid_choice"]),
    404: noTest,
    409: err("The test was already answered (`details.test` is the stored answer)", ["already_answered"]),
    500: INTERNAL,
    503: DB_DOWN,
  },
});
