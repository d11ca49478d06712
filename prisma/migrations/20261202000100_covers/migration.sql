-- AlterEnum
ALTER TYPE "JobKind" ADD VALUE 'cover';

-- AlterTable
ALTER TABLE "Conversion" ADD COLUMN "mode" TEXT NOT NULL DEFAULT 'voice',
ADD COLUMN "cover" JSONB;
