import zlib from 'node:zlib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { previewSize, renderImageViewsFromShrunk, UndecodableImageError } from './imageMedia.js';
import { PngShrinker, type PngShrinkResult } from './pngShrinker.js';

/** Pixels with detail in every channel and alpha from fully clear to opaque. */
function testPixels(width: number, height: number, channels: 3 | 4): Buffer {
  const pixels = Buffer.alloc(width * height * channels);
  for (let y = 0, i = 0; y < height; y++) {
    for (let x = 0; x < width; x++, i += channels) {
      pixels[i] = (x * 7 + y * 3) & 255;
      pixels[i + 1] = (x * y + 11) & 255;
      pixels[i + 2] = ((x ^ y) * 5) & 255;
      if (channels === 4) pixels[i + 3] = x % 13 === 0 ? 0 : (x * 2 + y * 9) & 255;
    }
  }
  return pixels;
}

function chunk(type: string, data: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt32BE(data.length, 0);
  header.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(data, zlib.crc32(type)));
  return Buffer.concat([header, data, crc]);
}

/**
 * A PNG written here, independently of the code under test, with the rows' filter types cycling through
 * all five (None, Sub, Up, Average, Paeth) so that each one is read.
 */
function encodePng(pixels: Buffer, width: number, height: number, channels: 3 | 4): Buffer {
  const stride = width * channels;
  const filtered = Buffer.alloc((stride + 1) * height);
  const paeth = (a: number, b: number, c: number) => {
    const p = a + b - c;
    const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
    return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
  };
  for (let y = 0; y < height; y++) {
    const type = y % 5;
    filtered[y * (stride + 1)] = type;
    for (let i = 0; i < stride; i++) {
      const value = pixels[y * stride + i]!;
      const left = i >= channels ? pixels[y * stride + i - channels]! : 0;
      const up = y > 0 ? pixels[(y - 1) * stride + i]! : 0;
      const upLeft = y > 0 && i >= channels ? pixels[(y - 1) * stride + i - channels]! : 0;
      const predicted = [0, left, up, (left + up) >> 1, paeth(left, up, upLeft)][type]!;
      filtered[y * (stride + 1) + 1 + i] = (value - predicted) & 255;
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, channels === 4 ? 6 : 2, 0, 0, 0], 8);
  const data = zlib.deflateSync(filtered);
  // Image data split over several IDAT chunks, as encoders do.
  const idats = [];
  for (let at = 0; at < data.length; at += 5000) idats.push(chunk('IDAT', data.subarray(at, at + 5000)));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    ...idats,
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** The expected shrink, computed plainly: each block's colour weighted by alpha, its alpha the mean. */
function referenceShrink(pixels: Buffer, width: number, height: number, channels: 3 | 4, factor: number): Buffer {
  const shrunkWidth = Math.ceil(width / factor);
  const shrunkHeight = Math.ceil(height / factor);
  const out = Buffer.alloc(shrunkWidth * shrunkHeight * 4);
  for (let by = 0; by < shrunkHeight; by++) {
    for (let bx = 0; bx < shrunkWidth; bx++) {
      let [red, green, blue, alpha, count] = [0, 0, 0, 0, 0];
      for (let y = by * factor; y < Math.min((by + 1) * factor, height); y++) {
        for (let x = bx * factor; x < Math.min((bx + 1) * factor, width); x++) {
          const i = (y * width + x) * channels;
          const a = channels === 4 ? pixels[i + 3]! : 255;
          red += pixels[i]! * a;
          green += pixels[i + 1]! * a;
          blue += pixels[i + 2]! * a;
          alpha += a;
          count += 1;
        }
      }
      const o = (by * shrunkWidth + bx) * 4;
      if (alpha > 0) out.set([Math.round(red / alpha), Math.round(green / alpha), Math.round(blue / alpha)], o);
      out[o + 3] = Math.round(alpha / count);
    }
  }
  return out;
}

/** Feeds the file in pieces of uneven sizes, so that signature, headers, CRCs and rows are split anywhere. */
async function shrink(png: Buffer, options = { fitWithin: 100, maxPixels: 10_000_000 }): Promise<PngShrinkResult> {
  const shrinker = new PngShrinker(options);
  const sizes = [1, 3, 7, 8, 13, 4096, 65_536, 2, 100_000];
  for (let at = 0, turn = 0; at < png.length; turn++) {
    const size = sizes[turn % sizes.length]!;
    await shrinker.write(png.subarray(at, at + size));
    at += size;
  }
  return shrinker.end();
}

describe('PngShrinker', () => {
  it.each([
    { width: 420, height: 310, channels: 4, factor: 4 },
    { width: 420, height: 310, channels: 3, factor: 4 },
    { width: 203, height: 37, channels: 4, factor: 2 },
    { width: 37, height: 250, channels: 4, factor: 2 },
    { width: 90, height: 60, channels: 4, factor: 1 },
  ] as const)(
    'shrinks $width×$height with $channels channels by $factor, every filter type read',
    async ({ width, height, channels, factor }) => {
      const pixels = testPixels(width, height, channels);
      const result = await shrink(encodePng(pixels, width, height, channels));
      expect(result.kind).toBe('shrunk');
      if (result.kind !== 'shrunk') return;
      expect(result.image).toMatchObject({
        width,
        height,
        shrunkWidth: Math.ceil(width / factor),
        shrunkHeight: Math.ceil(height / factor),
      });
      expect(result.image.pixels.equals(referenceShrink(pixels, width, height, channels, factor))).toBe(true);
    },
  );

  it('reads what sharp writes (the local remover encodes with sharp), pixel for pixel as libvips decodes it', async () => {
    const [width, height] = [640, 480];
    const png = await sharp(testPixels(width, height, 4), { raw: { width, height, channels: 4 } })
      .png({ compressionLevel: 6, adaptiveFiltering: true })
      .toBuffer();
    const decoded = await sharp(png).raw().toBuffer();
    const result = await shrink(png);
    expect(result.kind === 'shrunk' && result.image.pixels.equals(referenceShrink(decoded, width, height, 4, 6))).toBe(true);
  });

  it('leaves to sharp what it does not read: 16-bit, palette, interlaced, a colour profile', async () => {
    const image = () => sharp(testPixels(64, 48, 4), { raw: { width: 64, height: 48, channels: 4 } });
    const files = {
      '16-bit': await image().toColourspace('rgb16').png().toBuffer(),
      palette: await image().png({ palette: true }).toBuffer(),
      interlaced: await image().png({ progressive: true }).toBuffer(),
      'colour profile': await image().withIccProfile('p3').png().toBuffer(),
    };
    for (const [name, png] of Object.entries(files)) {
      const result = await shrink(png);
      expect(result, name).toMatchObject({ kind: 'unsupported' });
    }
  });

  it('refuses a broken file with UndecodableImageError', async () => {
    const png = encodePng(testPixels(120, 80, 4), 120, 80, 4);
    const flipped = Buffer.from(png);
    flipped[200] = flipped[200]! ^ 0xff; // inside the first IDAT: its checksum no longer matches
    const wrongChecksum = Buffer.from(png);
    wrongChecksum[32] = wrongChecksum[32]! ^ 0x01; // the last byte of IHDR's CRC, the pixels untouched
    const hugeHeader = Buffer.from(png.subarray(0, 16));
    hugeHeader.writeUInt32BE(0x7ffffff0, 8); // IHDR claiming 2 GiB: refused at its header, before any of it is read
    const corruptData = Buffer.concat([png.subarray(0, 33), chunk('IDAT', Buffer.from('not deflate data at all')), png.subarray(-12)]);
    const cases = {
      'a changed byte': flipped,
      'a wrong checksum': wrongChecksum,
      'cut short': png.subarray(0, png.length - 300),
      'no signature': png.subarray(8),
      'data that does not inflate': corruptData,
      'not a PNG': await sharp(testPixels(20, 20, 3), { raw: { width: 20, height: 20, channels: 3 } })
        .jpeg()
        .toBuffer(),
    };
    for (const [name, file] of Object.entries(cases)) await expect(shrink(file), name).rejects.toBeInstanceOf(UndecodableImageError);
    await expect(shrink(png, { fitWithin: 100, maxPixels: 120 * 80 - 1 })).rejects.toThrow(/more than the 9599 allowed/);
    await expect(shrink(Buffer.concat([hugeHeader, Buffer.alloc(64 * 1024)]))).rejects.toThrow(/IHDR chunk is not 13 bytes long/);
  });

  it('gives the views the sizes sharp gives them from the whole file', async () => {
    for (const [width, height] of [
      [4000, 3000],
      [3001, 1999],
      [1999, 3001],
      [1601, 1600],
      [1200, 800],
    ] as const) {
      const pixels = Buffer.alloc(width * height * 4, 200);
      const png = await sharp(pixels, { raw: { width, height, channels: 4 } })
        .png({ compressionLevel: 1 })
        .toBuffer();
      const fromSharp = await sharp(png)
        .resize(1600, 1600, { fit: 'inside', withoutEnlargement: true })
        .toBuffer({ resolveWithObject: true });
      expect(previewSize(width, height)).toEqual({ width: fromSharp.info.width, height: fromSharp.info.height });
      const result = await shrink(png, { fitWithin: 1600, maxPixels: 50_000_000 });
      if (result.kind !== 'shrunk') throw new Error('not shrunk');
      const views = await renderImageViewsFromShrunk(result.image);
      const [preview, thumbnail] = await Promise.all([sharp(views.preview).metadata(), sharp(views.thumbnail).metadata()]);
      expect({ width: preview.width, height: preview.height }).toEqual(previewSize(width, height));
      expect(Math.max(thumbnail.width, thumbnail.height)).toBe(400);
    }
  });
});
