-- AlterTable
ALTER TABLE "UserImage" ADD COLUMN     "deletedAt" TIMESTAMP(3);

-- CreateIndex
CREATE INDEX "UserImage_deletedAt_idx" ON "UserImage"("deletedAt");
