-- AlterEnum
ALTER TYPE "JobKind" ADD VALUE 'selftest';

-- AlterTable
ALTER TABLE "Job" ADD COLUMN     "cancelRequestedAt" TIMESTAMP(3);
