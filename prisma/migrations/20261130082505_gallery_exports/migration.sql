-- CreateEnum
CREATE TYPE "export_status" AS ENUM ('queued', 'running', 'ready', 'failed', 'expired');

-- CreateTable
CREATE TABLE "gallery_exports" (
    "id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "status" "export_status" NOT NULL DEFAULT 'queued',
    "variant" TEXT NOT NULL,
    "selection" JSONB NOT NULL,
    "total" INTEGER NOT NULL DEFAULT 0,
    "done" INTEGER NOT NULL DEFAULT 0,
    "bytes" BIGINT NOT NULL DEFAULT 0,
    "block_count" INTEGER NOT NULL DEFAULT 0,
    "error_message" TEXT,
    "ready_at" TIMESTAMP(3),
    "expires_at" TIMESTAMP(3),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "gallery_exports_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "gallery_export_items" (
    "export_id" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "image_id" TEXT NOT NULL,
    "variant" TEXT NOT NULL,
    "name" TEXT,
    "skip_reason" TEXT,
    "offset" BIGINT,
    "size" BIGINT,
    "crc32" BIGINT,
    "first_block" INTEGER,
    "last_block" INTEGER,
    "entry_date" TIMESTAMP(3),

    CONSTRAINT "gallery_export_items_pkey" PRIMARY KEY ("export_id","position")
);

-- CreateIndex
CREATE INDEX "gallery_exports_user_id_created_at_idx" ON "gallery_exports"("user_id", "created_at" DESC);

-- CreateIndex
CREATE INDEX "gallery_exports_status_expires_at_idx" ON "gallery_exports"("status", "expires_at");

-- AddForeignKey
ALTER TABLE "gallery_exports" ADD CONSTRAINT "gallery_exports_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "gallery_export_items" ADD CONSTRAINT "gallery_export_items_export_id_fkey" FOREIGN KEY ("export_id") REFERENCES "gallery_exports"("id") ON DELETE CASCADE ON UPDATE CASCADE;
