import { readFile } from 'node:fs/promises';
import { Jimp } from 'jimp';
import sharp from 'sharp';
import { renderThumbnail, THUMBNAIL_SIZE } from '../../shared/media/imageMedia.js';

/** The three ways of making a ≤ 400 px thumbnail of an image file that the thumbnail benchmark compares. */

export const THUMBNAILERS = {
  /** The product's own thumbnailer, fed a file as the pipeline feeds it the downloaded cut-out. */
  product: (file: string, maxPixels: number) => renderThumbnail(file, maxPixels),

  /**
   * The straightforward sharp pipeline: decode every pixel, then resize the full-size bitmap to the
   * same WebP. Going through raw pixels is what keeps libvips from shrinking on load.
   */
  naive: async (file: string, maxPixels: number) => {
    const { data, info } = await sharp(await readFile(file), { failOn: 'error', limitInputPixels: maxPixels })
      .autoOrient()
      .raw()
      .toBuffer({ resolveWithObject: true });
    return sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } })
      .resize(THUMBNAIL_SIZE, THUMBNAIL_SIZE, { fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 80, alphaQuality: 90, effort: 4 })
      .toBuffer();
  },

  /**
   * Pure JavaScript, as the old Azure resize sample did it: jimp decodes, scales to fit and encodes.
   * jimp has no JavaScript WebP encoder (its WebP plugin is WebAssembly), so it writes a JPEG, as the
   * sample did; encoding 400 px is a small part of its time next to decoding 12 MP.
   */
  jimp: async (file: string) => {
    const image = await Jimp.read(await readFile(file));
    image.scaleToFit({ w: THUMBNAIL_SIZE, h: THUMBNAIL_SIZE });
    return image.getBuffer('image/jpeg', { quality: 80 });
  },
} satisfies Record<string, (file: string, maxPixels: number) => Promise<Buffer>>;

export type ThumbnailerName = keyof typeof THUMBNAILERS;
