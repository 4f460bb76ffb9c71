-- AlterTable
ALTER TABLE "user_images" ADD COLUMN     "duplicate_of" TEXT,
ADD COLUMN     "sha256" CHAR(64);

-- CreateIndex
CREATE INDEX "user_images_user_id_sha256_idx" ON "user_images"("user_id", "sha256");
