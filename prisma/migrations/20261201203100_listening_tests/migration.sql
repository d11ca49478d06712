-- CreateTable
CREATE TABLE "ListeningTest" (
    "id" UUID NOT NULL,
    "experimentId" UUID NOT NULL,
    "epochA" INTEGER NOT NULL,
    "epochB" INTEGER NOT NULL,
    "winner" INTEGER,
    "answeredAt" TIMESTAMP(3),
    "createdById" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ListeningTest_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ListeningTest_experimentId_createdAt_idx" ON "ListeningTest"("experimentId", "createdAt");

-- AddForeignKey
ALTER TABLE "ListeningTest" ADD CONSTRAINT "ListeningTest_experimentId_fkey" FOREIGN KEY ("experimentId") REFERENCES "Experiment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ListeningTest" ADD CONSTRAINT "ListeningTest_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;
