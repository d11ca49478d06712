-- AlterTable: the experiment settings (sampleRate, f0Method, version) a job was queued with, so that a stage
-- whose inputs a later settings change invalidates is shown as out of date (lib/stage-settings.ts)
ALTER TABLE "Job" ADD COLUMN "settings" JSONB;
