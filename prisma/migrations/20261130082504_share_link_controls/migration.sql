-- DropIndex
DROP INDEX "share_links_image_id_idx";

-- AlterTable
ALTER TABLE "share_links" ADD COLUMN     "allow_download" BOOLEAN NOT NULL DEFAULT true,
ADD COLUMN     "download_count" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "last_accessed_at" TIMESTAMP(3),
ADD COLUMN     "max_views" INTEGER,
ADD COLUMN     "password_attempts" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "password_hash" TEXT,
ADD COLUMN     "password_window_starts_at" TIMESTAMP(3);

-- CreateIndex
CREATE INDEX "share_links_image_id_created_at_id_idx" ON "share_links"("image_id", "created_at" DESC, "id" DESC);
