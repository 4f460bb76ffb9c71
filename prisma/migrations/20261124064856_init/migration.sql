-- CreateExtension
-- Added by hand (see schema.prisma): the trigram GIN indexes on "UserImage" need pg_trgm.
CREATE EXTENSION IF NOT EXISTS "pg_trgm";

-- CreateEnum
CREATE TYPE "ImageStatus" AS ENUM ('pending_upload', 'queued', 'processing', 'ready', 'failed');

-- CreateEnum
CREATE TYPE "ImageQuality" AS ENUM ('excellent', 'good', 'fair');

-- CreateTable
CREATE TABLE "User" (
    "id" TEXT NOT NULL,
    "email" TEXT,
    "name" TEXT,
    "storageUsed" BIGINT NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "StorageQuota" (
    "userId" TEXT NOT NULL,
    "storageLimit" BIGINT NOT NULL,
    "imageLimit" INTEGER NOT NULL,
    "imageCount" INTEGER NOT NULL DEFAULT 0,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "StorageQuota_pkey" PRIMARY KEY ("userId")
);

-- CreateTable
CREATE TABLE "UserImage" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "title" TEXT NOT NULL DEFAULT 'Image sans titre',
    "status" "ImageStatus" NOT NULL DEFAULT 'pending_upload',
    "errorCode" TEXT,
    "errorMessage" TEXT,
    "originalName" TEXT NOT NULL,
    "fileType" TEXT NOT NULL,
    "fileSize" BIGINT NOT NULL,
    "width" INTEGER,
    "height" INTEGER,
    "originalPath" TEXT NOT NULL,
    "processedPath" TEXT,
    "thumbnailPath" TEXT,
    "processedSize" BIGINT,
    "thumbnailSize" BIGINT,
    "storageBytes" BIGINT NOT NULL DEFAULT 0,
    "processingTime" INTEGER,
    "quality" "ImageQuality",
    "tags" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "isFavorite" BOOLEAN NOT NULL DEFAULT false,
    "isPublic" BOOLEAN NOT NULL DEFAULT false,
    "uploadExpiresAt" TIMESTAMP(3),
    "processingStartedAt" TIMESTAMP(3),
    "processedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "UserImage_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ShareLink" (
    "id" TEXT NOT NULL,
    "imageId" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "revokedAt" TIMESTAMP(3),
    "viewCount" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ShareLink_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "UploadRateWindow" (
    "userId" TEXT NOT NULL,
    "windowStart" TIMESTAMP(3) NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "UploadRateWindow_pkey" PRIMARY KEY ("userId","windowStart")
);

-- CreateIndex
CREATE INDEX "UserImage_userId_createdAt_id_idx" ON "UserImage"("userId", "createdAt" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "UserImage_userId_isFavorite_createdAt_id_idx" ON "UserImage"("userId", "isFavorite", "createdAt" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "UserImage_userId_status_createdAt_id_idx" ON "UserImage"("userId", "status", "createdAt" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "UserImage_tags_idx" ON "UserImage" USING GIN ("tags");

-- CreateIndex
CREATE INDEX "UserImage_title_idx" ON "UserImage" USING GIN ("title" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "UserImage_originalName_idx" ON "UserImage" USING GIN ("originalName" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "UserImage_status_uploadExpiresAt_idx" ON "UserImage"("status", "uploadExpiresAt");

-- CreateIndex
CREATE UNIQUE INDEX "ShareLink_tokenHash_key" ON "ShareLink"("tokenHash");

-- CreateIndex
CREATE INDEX "ShareLink_imageId_idx" ON "ShareLink"("imageId");

-- CreateIndex
CREATE INDEX "UploadRateWindow_windowStart_idx" ON "UploadRateWindow"("windowStart");

-- AddForeignKey
ALTER TABLE "StorageQuota" ADD CONSTRAINT "StorageQuota_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "UserImage" ADD CONSTRAINT "UserImage_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ShareLink" ADD CONSTRAINT "ShareLink_imageId_fkey" FOREIGN KEY ("imageId") REFERENCES "UserImage"("id") ON DELETE CASCADE ON UPDATE CASCADE;
