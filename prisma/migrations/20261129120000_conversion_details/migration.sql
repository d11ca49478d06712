-- AlterTable
ALTER TABLE "Conversion" ADD COLUMN     "inputSeconds" DOUBLE PRECISION,
ADD COLUMN     "outputSeconds" DOUBLE PRECISION,
ADD COLUMN     "sampleRate" INTEGER;

-- CreateIndex
CREATE INDEX "Conversion_createdAt_idx" ON "Conversion"("createdAt");
