-- AlterTable
ALTER TABLE "AudioFile" ADD COLUMN     "stats" JSONB;
