-- AlterEnum
ALTER TYPE "JobKind" ADD VALUE 'export';
