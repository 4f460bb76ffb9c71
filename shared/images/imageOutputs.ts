import type { UserImage } from '../db/index.js';
import { previewBlob, processedBlob, thumbnailBlob, type BlobLocation } from '../storage/blobPaths.js';
import { IMMUTABLE_BLOB_CACHE_CONTROL, type BlobStore } from '../storage/blobStore.js';

/**
 * The files the pipeline derives from an original: where each lives, its type, and the row fields
 * that record it once the image is `ready`. Finalising, failing, deleting and any check of what an
 * image should have stored go through this list, so a new output is one entry here. An output is
 * written once at its name and never changed there (a retry rewrites only a failed image's, to which
 * no link was handed out), so browsers may cache it for as long as its link lives.
 */
export const IMAGE_OUTPUTS = {
  processed: { location: processedBlob, contentType: 'image/png', pathField: 'processedPath', sizeField: 'processedSize' },
  thumbnail: { location: thumbnailBlob, contentType: 'image/webp', pathField: 'thumbnailPath', sizeField: 'thumbnailSize' },
  preview: { location: previewBlob, contentType: 'image/webp', pathField: 'previewPath', sizeField: 'previewSize' },
} as const satisfies Record<string, ImageOutput>;

/** The `Cache-Control` every output is written with. */
export const OUTPUT_CACHE_CONTROL = IMMUTABLE_BLOB_CACHE_CONTROL;

export type ImageOutputName = keyof typeof IMAGE_OUTPUTS;

interface ImageOutput {
  location(userId: string, imageId: string): BlobLocation;
  contentType: string;
  pathField: keyof UserImage;
  sizeField: keyof UserImage;
}

type OutputPathField = (typeof IMAGE_OUTPUTS)[ImageOutputName]['pathField'];
type OutputSizeField = (typeof IMAGE_OUTPUTS)[ImageOutputName]['sizeField'];
/** The row fields that record the outputs. */
export type OutputFields = { [Field in OutputPathField]: string | null } & { [Field in OutputSizeField]: bigint | null };

const OUTPUT_NAMES = Object.keys(IMAGE_OUTPUTS) as ImageOutputName[];

/**
 * Every output blob the image can have, derived from its ids rather than read from the row: a blob a
 * step wrote but no row recorded yet is found too.
 */
export function outputLocations(userId: string, imageId: string): BlobLocation[] {
  return OUTPUT_NAMES.map((name) => IMAGE_OUTPUTS[name].location(userId, imageId));
}

/** Reads the stored size of every output; an output that is missing is `undefined`. */
export async function measureOutputs(
  blobs: Pick<BlobStore, 'sizeOf'>,
  userId: string,
  imageId: string,
): Promise<Record<ImageOutputName, number | undefined>> {
  const sizes = await Promise.all(OUTPUT_NAMES.map((name) => blobs.sizeOf(IMAGE_OUTPUTS[name].location(userId, imageId))));
  return Object.fromEntries(OUTPUT_NAMES.map((name, index) => [name, sizes[index]])) as Record<ImageOutputName, number | undefined>;
}

/** The row fields recording the outputs at the given sizes, or recording none (`null`). */
export function outputFields(userId: string, imageId: string, sizes: Record<ImageOutputName, number> | null): OutputFields {
  const fields: Record<string, string | bigint | null> = {};
  for (const name of OUTPUT_NAMES) {
    const output = IMAGE_OUTPUTS[name];
    fields[output.pathField] = sizes ? output.location(userId, imageId).name : null;
    fields[output.sizeField] = sizes ? BigInt(sizes[name]) : null;
  }
  return fields as OutputFields;
}
