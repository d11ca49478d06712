-- AlterEnum
ALTER TYPE "JobKind" ADD VALUE 'separate';

-- AlterTable
ALTER TABLE "AudioFile" ADD COLUMN "useVocals" BOOLEAN NOT NULL DEFAULT false;
