-- CreateExtension
-- Added by hand (see schema.prisma): the trigram GIN indexes on "user_images" need pg_trgm. It goes to
-- public, where a database shared with the product's app keeps its extensions (detour's schema is first
-- on the migration's search_path, public after it: prisma/README.md); IF NOT EXISTS leaves one the app
-- created already as it is.
CREATE EXTENSION IF NOT EXISTS "pg_trgm" WITH SCHEMA "public";

-- CreateEnum
CREATE TYPE "image_status" AS ENUM ('pending_upload', 'queued', 'processing', 'ready', 'failed');

-- CreateEnum
CREATE TYPE "image_quality" AS ENUM ('excellent', 'good', 'fair');

-- CreateTable
CREATE TABLE "users" (
    "id" TEXT NOT NULL,
    "email" TEXT,
    "name" TEXT,
    "storage_used" BIGINT NOT NULL DEFAULT 0,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "users_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "storage_quotas" (
    "user_id" TEXT NOT NULL,
    "storage_limit" BIGINT NOT NULL,
    "image_limit" INTEGER NOT NULL,
    "image_count" INTEGER NOT NULL DEFAULT 0,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "storage_quotas_pkey" PRIMARY KEY ("user_id")
);

-- CreateTable
CREATE TABLE "user_images" (
    "id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "title" TEXT NOT NULL DEFAULT 'Image sans titre',
    "status" "image_status" NOT NULL DEFAULT 'pending_upload',
    "error_code" TEXT,
    "error_message" TEXT,
    "original_name" TEXT NOT NULL,
    "file_type" TEXT NOT NULL,
    "file_size" BIGINT NOT NULL,
    "width" INTEGER,
    "height" INTEGER,
    "original_path" TEXT NOT NULL,
    "processed_path" TEXT,
    "thumbnail_path" TEXT,
    "processed_size" BIGINT,
    "thumbnail_size" BIGINT,
    "storage_bytes" BIGINT NOT NULL DEFAULT 0,
    "processing_time" INTEGER,
    "quality" "image_quality",
    "tags" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "is_favorite" BOOLEAN NOT NULL DEFAULT false,
    "is_public" BOOLEAN NOT NULL DEFAULT false,
    "upload_expires_at" TIMESTAMP(3),
    "processing_started_at" TIMESTAMP(3),
    "processed_at" TIMESTAMP(3),
    "deleted_at" TIMESTAMP(3),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "user_images_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "share_links" (
    "id" TEXT NOT NULL,
    "image_id" TEXT NOT NULL,
    "token_hash" TEXT NOT NULL,
    "expires_at" TIMESTAMP(3) NOT NULL,
    "revoked_at" TIMESTAMP(3),
    "view_count" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "share_links_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "upload_rate_windows" (
    "user_id" TEXT NOT NULL,
    "window_start" TIMESTAMP(3) NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "upload_rate_windows_pkey" PRIMARY KEY ("user_id","window_start")
);

-- CreateIndex
CREATE INDEX "user_images_user_id_created_at_id_idx" ON "user_images"("user_id", "created_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "user_images_user_id_is_favorite_created_at_id_idx" ON "user_images"("user_id", "is_favorite", "created_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "user_images_user_id_status_created_at_id_idx" ON "user_images"("user_id", "status", "created_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "user_images_tags_idx" ON "user_images" USING GIN ("tags");

-- CreateIndex
CREATE INDEX "user_images_title_idx" ON "user_images" USING GIN ("title" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "user_images_original_name_idx" ON "user_images" USING GIN ("original_name" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "user_images_status_upload_expires_at_idx" ON "user_images"("status", "upload_expires_at");

-- CreateIndex
CREATE INDEX "user_images_deleted_at_idx" ON "user_images"("deleted_at");

-- CreateIndex
CREATE UNIQUE INDEX "share_links_token_hash_key" ON "share_links"("token_hash");

-- CreateIndex
CREATE INDEX "share_links_image_id_idx" ON "share_links"("image_id");

-- CreateIndex
CREATE INDEX "upload_rate_windows_window_start_idx" ON "upload_rate_windows"("window_start");

-- AddForeignKey
ALTER TABLE "storage_quotas" ADD CONSTRAINT "storage_quotas_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "user_images" ADD CONSTRAINT "user_images_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "share_links" ADD CONSTRAINT "share_links_image_id_fkey" FOREIGN KEY ("image_id") REFERENCES "user_images"("id") ON DELETE CASCADE ON UPDATE CASCADE;
