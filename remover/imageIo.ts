import sharp, { type Metadata, type OutputInfo, type Sharp } from 'sharp';
import { clamp } from './numeric.js';

/** Everything the algorithm reads from and writes to image files, through sharp. */

/** The bytes are not an image sharp can decode (or the file is truncated/corrupt). */
export class UndecodableImageError extends Error {
  override name = 'UndecodableImageError';
}

/** The image has more pixels than allowed. */
export class TooManyPixelsError extends Error {
  override name = 'TooManyPixelsError';
}

/** zlib level 3: about 5× faster than 6 on photos for ~15 % more bytes. */
const PNG_COMPRESSION = 3;

/** An input whose header was read and whose size is allowed. */
export interface SourceImage {
  metadata: Metadata;
  /** Displayed size (after EXIF orientation). */
  width: number;
  height: number;
  /** A fresh decoder of the full, auto-oriented image. */
  decode(): Sharp;
}

/** Reads the header only: huge images are refused before any pixel is decoded. */
export async function openSourceImage(input: Buffer, maxPixels: number): Promise<SourceImage> {
  let metadata: Metadata;
  try {
    metadata = await sharp(input, { limitInputPixels: false }).metadata();
  } catch (cause) {
    throw new UndecodableImageError('The bytes are not an image that can be decoded.', { cause });
  }
  const { width, height } = metadata.autoOrient ?? metadata;
  if (!width || !height) throw new UndecodableImageError('The image has no dimensions.');
  if (width * height > maxPixels) {
    throw new TooManyPixelsError(`The image has ${width}×${height} pixels, more than the ${maxPixels} allowed.`);
  }
  return { metadata, width, height, decode: () => sharp(input, { failOn: 'error', limitInputPixels: maxPixels }).autoOrient() };
}

/** The analysis copy: at most `workingSize` px on its long side, sRGB, 8-bit, transparency flattened onto white, a 3×3 median against noise. */
export async function decodeAnalysisCopy(source: SourceImage, workingSize: number): Promise<{ data: Buffer; info: OutputInfo }> {
  const scale = Math.min(1, workingSize / Math.max(source.width, source.height));
  const smallSide = Math.round(Math.min(source.width, source.height) * scale);
  try {
    const analysis = source
      .decode()
      .resize(workingSize, workingSize, { fit: 'inside', withoutEnlargement: true })
      .flatten({ background: '#ffffff' });
    return await (smallSide >= 3 ? analysis.median(3) : analysis)
      .toColourspace('srgb')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
  } catch (cause) {
    throw new UndecodableImageError('The image data is truncated or corrupt.', { cause });
  }
}

/**
 * Upscales the 0/255 mask (`w` × `h`) to the full size, then feathers it: a Gaussian blur a little
 * wider than one mask pixel, followed by a contrast curve (×2 around the middle) so that the
 * transition stays about one mask pixel wide and the interior stays at 255.
 */
export async function maskToAlpha(mask: Uint8Array, w: number, h: number, width: number, height: number): Promise<Buffer> {
  const scale = Math.max(width / w, height / h);
  const sigma = clamp(0.6 * scale, 0.6, 12);
  return sharp(mask, { raw: { width: w, height: h, channels: 1 } })
    .resize(width, height, { fit: 'fill', kernel: 'linear' })
    .blur(sigma)
    .linear(2, -127.5)
    .toColourspace('b-w')
    .raw({ depth: 'uchar' })
    .toBuffer();
}

/** The full-size image with `alpha` (1 byte per pixel) as its alpha channel, as a PNG. */
export async function encodeCutout(source: SourceImage, alpha: Buffer): Promise<Buffer> {
  const { metadata, width, height } = source;
  try {
    if (metadata.hasAlpha || metadata.depth !== 'uchar' || (metadata.channels ?? 0) < 3) {
      // Through raw 8-bit RGBA: it keeps the original's own transparency where it is lower (sharp's
      // removeAlpha runs after joinChannel), brings 16-bit images to 8 bits (an 8-bit alpha joined to
      // them would be read on the 16-bit scale) and greyscale to RGB.
      const rgba = await source.decode().toColourspace('srgb').ensureAlpha().raw({ depth: 'uchar' }).toBuffer();
      for (let i = 0, o = 3; i < alpha.length; i++, o += 4) if (alpha[i]! < rgba[o]!) rgba[o] = alpha[i]!;
      return await sharp(rgba, { raw: { width, height, channels: 4 } })
        .png({ compressionLevel: PNG_COMPRESSION })
        .toBuffer();
    }
    return await source
      .decode()
      .toColourspace('srgb')
      .joinChannel(alpha, { raw: { width, height, channels: 1 } })
      .png({ compressionLevel: PNG_COMPRESSION })
      .toBuffer();
  } catch (cause) {
    throw new UndecodableImageError('The image data is truncated or corrupt.', { cause });
  }
}
