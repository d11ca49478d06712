-- CreateTable
CREATE TABLE "StudioInstance" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "dataRootId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "StudioInstance_pkey" PRIMARY KEY ("id")
);
