import { fileTypeFromBuffer } from 'file-type';
import sharp, { type Metadata } from 'sharp';

/**
 * The media repository: the only code that touches sharp and file-type. It reports facts about bytes
 * and transforms them; what is allowed is decided by the callers.
 */

export interface SniffedType {
  mime: string;
  ext: string;
}

/** libvips threads per image operation (`SHARP_CONCURRENCY`), set once per instance. */
export function setImageThreads(threads: number): void {
  sharp.concurrency(threads);
  // No operation cache: the app never repeats an operation on the same input, so it would only hold memory.
  sharp.cache(false);
}

/** How many leading bytes `sniffImageType` needs (file-type's own sample size). */
export const SNIFF_BYTES = 4100;

/** The real type by magic bytes; SVG (text, no magic) is recognised by its root element. */
export async function sniffImageType(head: Uint8Array): Promise<SniffedType | undefined> {
  // Checked first: file-type reports an SVG with an XML declaration as plain XML.
  const text = Buffer.from(head).toString('utf8').trimStart().toLowerCase();
  if (/^(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*(<!doctype svg[^>]*>\s*)?<svg[\s>]/.test(text)) {
    return { mime: 'image/svg+xml', ext: 'svg' };
  }
  const detected = await fileTypeFromBuffer(head);
  return detected ? { mime: detected.mime, ext: detected.ext } : undefined;
}

export class TooManyPixelsError extends Error {
  override name = 'TooManyPixelsError';
}

export class UndecodableImageError extends Error {
  override name = 'UndecodableImageError';
}

export interface ImageDimensions {
  /** As displayed, after EXIF orientation. */
  width: number;
  height: number;
}

/**
 * Reads the header for dimensions, refuses more than `maxPixels` before any pixel is decoded, then
 * decodes the whole file at a reduced scale (shrink-on-load keeps memory small) to prove it is intact:
 * a truncated or corrupt file fails here rather than in the pipeline.
 */
export async function inspectImage(content: Buffer, maxPixels: number): Promise<ImageDimensions> {
  let metadata: Metadata;
  try {
    metadata = await sharp(content, { failOn: 'error', limitInputPixels: false }).metadata();
  } catch (cause) {
    throw new UndecodableImageError('The image header cannot be read.', { cause });
  }
  const { width, height } = metadata.autoOrient ?? metadata;
  if (!width || !height) throw new UndecodableImageError('The image has no dimensions.');
  if (width * height > maxPixels) {
    throw new TooManyPixelsError(`The image has ${width}×${height} pixels, more than the ${maxPixels} allowed.`);
  }
  try {
    await sharp(content, { failOn: 'error', limitInputPixels: maxPixels, sequentialRead: true })
      .resize(256, 256, { fit: 'inside', withoutEnlargement: true })
      .raw()
      .toBuffer();
  } catch (cause) {
    throw new UndecodableImageError('The image data is truncated or corrupt.', { cause });
  }
  return { width, height };
}

export const THUMBNAIL_SIZE = 400;
export const PREVIEW_SIZE = 1600;

const WEBP_VIEW = { quality: 80, alphaQuality: 90, effort: 4 } as const;
/**
 * The preview has 16 times the thumbnail's pixels: effort 2 encodes it in about half the time of 4
 * (≈ 0.35 s against 0.7 s at 1600×1200 here) for files about 7 % larger, on the pipeline's critical path.
 */
const WEBP_PREVIEW = { ...WEBP_VIEW, effort: 2 } as const;

/**
 * A WebP thumbnail of an image file (or bytes already in memory): auto-oriented, fitting inside
 * 400×400, never enlarged, and without metadata (sharp drops EXIF/GPS/XMP unless asked to keep them).
 * A path, not a stream: sharp buffers a stream input whole before decoding, libvips reads a file as
 * it needs it (and JPEG shrinks on load).
 */
export async function renderThumbnail(input: string | Buffer, maxPixels: number): Promise<Buffer> {
  return sharp(input, { failOn: 'error', limitInputPixels: maxPixels, sequentialRead: true })
    .autoOrient()
    .resize(THUMBNAIL_SIZE, THUMBNAIL_SIZE, { fit: 'inside', withoutEnlargement: true })
    .webp(WEBP_VIEW)
    .toBuffer();
}

/**
 * The reduction to the preview's size, on the pipeline's critical path: libvips widens the kernel by the
 * reduction factor, so a triangle (linear) filter still averages every source pixel (no aliasing) and
 * costs about a quarter of lanczos3's time here (≈ 40 against 165 ms of CPU from 12 MP), for a preview
 * a little softer; the thumbnail, scaled from the preview, keeps lanczos3.
 */
const PREVIEW_KERNEL = 'linear';

export interface ImageViews {
  /** Fits inside 400×400. */
  thumbnail: Buffer;
  /** Fits inside 1600×1600. */
  preview: Buffer;
}

/**
 * The thumbnail and the preview of an image file (a stored cut-out), both WebP without metadata,
 * never enlarged, from ONE decode: the file is read top to bottom once (`sequentialRead`, so libvips
 * keeps a strip of rows, not the 200 MB a 50 MP RGBA image decodes to) into the ≤ 1600 px preview's
 * pixels, and the thumbnail is scaled from those. A file that does not decode, or has more than
 * `maxPixels`, is an `UndecodableImageError`.
 */
export async function renderImageViews(file: string, maxPixels: number): Promise<ImageViews> {
  try {
    const { data, info } = await sharp(file, { failOn: 'error', limitInputPixels: maxPixels, sequentialRead: true })
      .autoOrient()
      .resize(PREVIEW_SIZE, PREVIEW_SIZE, { fit: 'inside', withoutEnlargement: true, kernel: PREVIEW_KERNEL })
      .raw()
      .toBuffer({ resolveWithObject: true });
    return await encodeViews(data, { width: info.width, height: info.height, channels: info.channels });
  } catch (cause) {
    throw new UndecodableImageError('The image cannot be decoded.', { cause });
  }
}

/** An image shrunk by a whole factor as it was read (`PngShrinker`). */
export interface ShrunkImage {
  /** The full size. */
  width: number;
  height: number;
  /** The shrunk pixels: RGBA, `ceil(width / factor)` × `ceil(height / factor)`. */
  pixels: Buffer;
  shrunkWidth: number;
  shrunkHeight: number;
}

/**
 * The same views from a cut-out shrunk as it arrived (`PngShrinker`, by a whole factor, so less than
 * twice the preview's size is left): the rest of the reduction to the preview's size, as sharp's
 * `fit: 'inside'` computes it from the full size, then the same encodings.
 */
export async function renderImageViewsFromShrunk(image: ShrunkImage): Promise<ImageViews> {
  const preview = previewSize(image.width, image.height);
  const shrunk = { width: image.shrunkWidth, height: image.shrunkHeight, channels: 4 } as const;
  const pixels =
    preview.width === shrunk.width && preview.height === shrunk.height
      ? image.pixels
      : await sharp(image.pixels, { raw: shrunk }).resize(preview.width, preview.height, { fit: 'fill' }).raw().toBuffer();
  return encodeViews(pixels, { ...preview, channels: 4 });
}

/** The preview's size for an image of this size: inside 1600×1600, never enlarged, rounded as sharp rounds it. */
export function previewSize(width: number, height: number): { width: number; height: number } {
  if (width <= PREVIEW_SIZE && height <= PREVIEW_SIZE) return { width, height };
  return width >= height
    ? { width: PREVIEW_SIZE, height: Math.max(1, Math.round((height * PREVIEW_SIZE) / width)) }
    : { width: Math.max(1, Math.round((width * PREVIEW_SIZE) / height)), height: PREVIEW_SIZE };
}

async function encodeViews(pixels: Buffer, size: { width: number; height: number; channels: 1 | 2 | 3 | 4 }): Promise<ImageViews> {
  const raw = { raw: size };
  const [preview, thumbnail] = await Promise.all([
    sharp(pixels, raw).webp(WEBP_PREVIEW).toBuffer(),
    sharp(pixels, raw).resize(THUMBNAIL_SIZE, THUMBNAIL_SIZE, { fit: 'inside', withoutEnlargement: true }).webp(WEBP_VIEW).toBuffer(),
  ]);
  return { thumbnail, preview };
}

export interface AlphaCoverage {
  /** Fractions of pixels that are fully transparent, fully opaque, and in between (soft edges). */
  transparent: number;
  opaque: number;
  partial: number;
}

/** How the alpha channel of an image splits between background, foreground and edges. */
export async function measureAlphaCoverage(image: Buffer): Promise<AlphaCoverage> {
  const { data, info } = await sharp(image).ensureAlpha().extractChannel(3).raw().toBuffer({ resolveWithObject: true });
  let transparent = 0;
  let opaque = 0;
  for (const alpha of data) {
    if (alpha <= 10) transparent += 1;
    else if (alpha >= 245) opaque += 1;
  }
  const total = info.width * info.height;
  return { transparent: transparent / total, opaque: opaque / total, partial: (total - transparent - opaque) / total };
}
