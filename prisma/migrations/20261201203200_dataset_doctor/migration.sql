-- Dataset doctor (issue 16): the analyze job, each upload's analysis and exclusion, the experiment's cleaning
-- options, and the slices preprocess made (their analysis and exclusion).

-- AlterEnum
ALTER TYPE "JobKind" ADD VALUE 'analyze';

-- AlterTable
ALTER TABLE "Experiment" ADD COLUMN "cleaning" JSONB;

-- AlterTable
ALTER TABLE "AudioFile" ADD COLUMN "analysis" JSONB,
ADD COLUMN "excluded" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "DatasetSlice" (
    "id" UUID NOT NULL,
    "audioFileId" UUID NOT NULL,
    "stem" TEXT NOT NULL,
    "index" INTEGER NOT NULL,
    "startSec" DOUBLE PRECISION,
    "durationSec" DOUBLE PRECISION NOT NULL,
    "analysis" JSONB,
    "excluded" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DatasetSlice_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "DatasetSlice_audioFileId_index_key" ON "DatasetSlice"("audioFileId", "index");

-- AddForeignKey
ALTER TABLE "DatasetSlice" ADD CONSTRAINT "DatasetSlice_audioFileId_fkey" FOREIGN KEY ("audioFileId") REFERENCES "AudioFile"("id") ON DELETE CASCADE ON UPDATE CASCADE;
