import { randomInt } from 'node:crypto';
import sharp from 'sharp';
import type { Database, ImageStatus, UserImage } from '../../shared/db/index.js';
import { newImageId } from '../../shared/images/newImageId.js';
import { IMAGE_CONTAINERS, originalBlob, previewBlob, processedBlob, thumbnailBlob } from '../../shared/storage/blobPaths.js';
import type { BlobStore } from '../../shared/storage/blobStore.js';

export interface SeedStoredImageOptions {
  title?: string;
  tags?: string[];
  isFavorite?: boolean;
  /** `ready` (every blob) by default; `queued` has only the original, `pending_upload` none. */
  status?: Extract<ImageStatus, 'pending_upload' | 'queued' | 'ready'>;
  createdAt?: Date;
  /** The original's bytes; a small distinct PNG by default. */
  original?: Buffer;
  /** A ready image made before previews existed: no preview blob, `previewPath` null. */
  withoutPreview?: boolean;
}

export interface SeededImage {
  image: UserImage;
  original: Buffer;
  processed?: Buffer;
  thumbnail?: Buffer;
  preview?: Buffer;
}

/** A small PNG of a colour no other call of this process made (so files cannot be mixed up unnoticed). */
export async function distinctPng(size = 24): Promise<Buffer> {
  const background = { r: randomInt(256), g: randomInt(256), b: randomInt(256), alpha: 1 };
  return sharp({ create: { width: size, height: size, channels: 4, background } })
    .png()
    .toBuffer();
}

/**
 * An image as the pipeline leaves it: its blobs really stored in Blob Storage, its row, and the
 * owner's quota counting it (storageUsed += the blobs' bytes, imageCount += 1), in one transaction.
 */
export async function seedStoredImage(
  db: Database,
  blobs: BlobStore,
  userId: string,
  options: SeedStoredImageOptions = {},
): Promise<SeededImage> {
  const status = options.status ?? 'ready';
  const createdAt = options.createdAt ?? new Date();
  const id = newImageId(createdAt.getTime());
  const original = options.original ?? (await distinctPng());
  const processed = status === 'ready' ? await sharp(original).ensureAlpha().png().toBuffer() : undefined;
  const thumbnail = status === 'ready' ? await sharp(original).resize(8).webp().toBuffer() : undefined;
  const preview = status === 'ready' && !options.withoutPreview ? await sharp(original).resize(16).webp().toBuffer() : undefined;
  const originalLocation = originalBlob(userId, id, 'image/png');
  let storedBytes = 0;
  if (status !== 'pending_upload') storedBytes += await blobs.upload(originalLocation, original, 'image/png');
  if (processed) storedBytes += await blobs.upload(processedBlob(userId, id), processed, 'image/png');
  if (thumbnail) storedBytes += await blobs.upload(thumbnailBlob(userId, id), thumbnail, 'image/webp');
  if (preview) storedBytes += await blobs.upload(previewBlob(userId, id), preview, 'image/webp');
  const { width, height } = await sharp(original).metadata();

  const image = await db.$transaction(async (tx) => {
    await tx.user.update({ where: { id: userId }, data: { storageUsed: { increment: BigInt(storedBytes) } } });
    await tx.storageQuota.update({ where: { userId }, data: { imageCount: { increment: 1 } } });
    return tx.userImage.create({
      data: {
        id,
        userId,
        title: options.title,
        status,
        originalName: `${id}.png`,
        fileType: 'image/png',
        fileSize: BigInt(original.length),
        width,
        height,
        originalPath: originalLocation.name,
        processedPath: processed ? processedBlob(userId, id).name : null,
        thumbnailPath: thumbnail ? thumbnailBlob(userId, id).name : null,
        processedSize: processed ? BigInt(processed.length) : null,
        thumbnailSize: thumbnail ? BigInt(thumbnail.length) : null,
        previewPath: preview ? previewBlob(userId, id).name : null,
        previewSize: preview ? BigInt(preview.length) : null,
        storageBytes: BigInt(storedBytes),
        quality: processed ? 'good' : null,
        processingTime: processed ? 1_000 : null,
        tags: options.tags ?? [],
        isFavorite: options.isFavorite ?? false,
        createdAt,
      },
    });
  });
  return { image, original, processed, thumbnail, preview };
}

/** The sum of the real sizes of a user's stored image blobs (exports do not count), read from Blob Storage itself. */
export async function storedBlobBytes(blobs: BlobStore, userId: string): Promise<number> {
  let total = 0;
  for (const container of IMAGE_CONTAINERS) {
    for await (const blob of blobs.client.getContainerClient(container).listBlobsFlat({ prefix: `${userId}/` })) {
      total += blob.properties.contentLength ?? 0;
    }
  }
  return total;
}
