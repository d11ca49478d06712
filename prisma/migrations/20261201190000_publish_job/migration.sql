-- AlterEnum
ALTER TYPE "JobKind" ADD VALUE 'publish';
