import sharp from 'sharp';
import { crc32 } from 'node:zlib';

/** Real image files for tests, made on the fly with sharp. */

/** A coloured disc on a plain light background: what a clean cut-out is expected of. */
export async function discOnPlainBackground(
  options: { width?: number; height?: number; format?: 'jpeg' | 'png' | 'webp' | 'avif' } = {},
): Promise<Buffer> {
  const width = options.width ?? 640;
  const height = options.height ?? 480;
  const radius = Math.round(Math.min(width, height) * 0.3);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <rect width="100%" height="100%" fill="#f4f4f2"/>
    <circle cx="${width / 2}" cy="${height / 2}" r="${radius}" fill="#c0392b"/>
  </svg>`;
  const image = sharp(Buffer.from(svg));
  switch (options.format ?? 'jpeg') {
    case 'png':
      return image.png().toBuffer();
    case 'webp':
      return image.webp().toBuffer();
    case 'avif':
      return image.avif({ effort: 0 }).toBuffer();
    default:
      return image.jpeg({ quality: 90 }).toBuffer();
  }
}

/** A JPEG with EXIF (orientation, GPS-like comment) that must never reach a thumbnail. */
export async function jpegWithExif(): Promise<Buffer> {
  return sharp(await discOnPlainBackground({ width: 800, height: 600, format: 'png' }))
    .jpeg()
    .withExif({ IFD0: { Make: 'DetourTestCam', Model: 'Secret', Copyright: 'gps 48.85,2.35' } })
    .withMetadata({ orientation: 6 })
    .toBuffer();
}

/** A valid small PNG whose header claims `width`×`height` pixels (a decompression bomb's header). */
export async function pngDeclaring(width: number, height: number): Promise<Buffer> {
  const png = Buffer.from(
    await sharp({ create: { width: 8, height: 8, channels: 3, background: '#336699' } })
      .png()
      .toBuffer(),
  );
  // IHDR data starts at byte 16 (8 signature + 4 length + 4 type); its CRC covers type + data.
  png.writeUInt32BE(width, 16);
  png.writeUInt32BE(height, 20);
  png.writeUInt32BE(crc32(png.subarray(12, 29)), 29);
  return png;
}

/** The first half of a real JPEG: a header that reads, pixel data that ends early. */
export async function truncatedJpeg(): Promise<Buffer> {
  const jpeg = await discOnPlainBackground({ width: 1200, height: 900 });
  return jpeg.subarray(0, Math.floor(jpeg.length / 2));
}

export const htmlPage = Buffer.from('<!doctype html><html><head><title>hi</title></head><body><script>alert(1)</script></body></html>');

export const svgDrawing = Buffer.from(
  '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>',
);

export async function gifImage(): Promise<Buffer> {
  return sharp({ create: { width: 16, height: 16, channels: 3, background: '#00ff00' } })
    .gif()
    .toBuffer();
}
