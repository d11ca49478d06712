-- AlterEnum
ALTER TYPE "JobKind" ADD VALUE 'index';
