-- CreateTable
CREATE TABLE "reconciliation_cursors" (
    "task" TEXT NOT NULL,
    "position" TEXT,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "reconciliation_cursors_pkey" PRIMARY KEY ("task")
);
