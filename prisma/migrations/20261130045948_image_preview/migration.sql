-- AlterTable
ALTER TABLE "user_images" ADD COLUMN     "preview_path" TEXT,
ADD COLUMN     "preview_size" BIGINT;
