-- AlterTable
ALTER TABLE "user_images" ADD COLUMN     "trashed_at" TIMESTAMP(3);

-- CreateIndex
CREATE INDEX "user_images_user_id_trashed_at_id_idx" ON "user_images"("user_id", "trashed_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "user_images_trashed_at_idx" ON "user_images"("trashed_at");
