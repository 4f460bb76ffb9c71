import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import {
  discOnPlainBackground,
  gifImage,
  htmlPage,
  jpegWithExif,
  pngDeclaring,
  svgDrawing,
  truncatedJpeg,
} from '../../test/support/sampleImages.js';
import {
  inspectImage,
  measureAlphaCoverage,
  renderThumbnail,
  sniffImageType,
  TooManyPixelsError,
  UndecodableImageError,
} from './imageMedia.js';

const MAX_PIXELS = 50_000_000;

describe('sniffImageType', () => {
  it('names the real type from the bytes', async () => {
    expect((await sniffImageType(await discOnPlainBackground()))?.mime).toBe('image/jpeg');
    expect((await sniffImageType(await discOnPlainBackground({ format: 'png' })))?.mime).toBe('image/png');
    expect((await sniffImageType(await discOnPlainBackground({ format: 'webp' })))?.mime).toBe('image/webp');
    expect((await sniffImageType(await discOnPlainBackground({ format: 'avif', width: 64, height: 64 })))?.mime).toBe('image/avif');
    expect((await sniffImageType(await gifImage()))?.mime).toBe('image/gif');
    expect((await sniffImageType(svgDrawing))?.mime).toBe('image/svg+xml');
  });

  it('finds nothing in HTML', async () => {
    expect(await sniffImageType(htmlPage)).toBeUndefined();
  });
});

describe('inspectImage', () => {
  it('reads displayed dimensions, after EXIF orientation', async () => {
    expect(await inspectImage(await jpegWithExif(), MAX_PIXELS)).toEqual({ width: 600, height: 800 });
  });

  it('refuses a header declaring more pixels than allowed, without decoding it', async () => {
    const before = process.memoryUsage().rss;
    await expect(inspectImage(await pngDeclaring(20_000, 20_000), MAX_PIXELS)).rejects.toBeInstanceOf(TooManyPixelsError);
    // 400 MP decoded would need > 1 GB; the refusal must come from the header alone.
    expect(process.memoryUsage().rss - before).toBeLessThan(200 * 1024 * 1024);
  });

  it('refuses truncated data', async () => {
    await expect(inspectImage(await truncatedJpeg(), MAX_PIXELS)).rejects.toBeInstanceOf(UndecodableImageError);
  });
});

describe('renderThumbnail', () => {
  it('makes an oriented WebP inside 400 px with no EXIF', async () => {
    const thumbnail = await renderThumbnail(await jpegWithExif(), MAX_PIXELS);
    const metadata = await sharp(thumbnail).metadata();
    expect(metadata.format).toBe('webp');
    expect([metadata.width, metadata.height]).toEqual([300, 400]);
    expect(metadata.exif).toBeUndefined();
    expect(metadata.xmp).toBeUndefined();
    expect(thumbnail.includes(Buffer.from('DetourTestCam'))).toBe(false);
  });

  it('never enlarges a small image', async () => {
    const thumbnail = await renderThumbnail(await discOnPlainBackground({ width: 120, height: 90 }), MAX_PIXELS);
    expect((await sharp(thumbnail).metadata()).width).toBe(120);
  });
});

describe('measureAlphaCoverage', () => {
  it('splits pixels into transparent, opaque and soft', async () => {
    const half = await sharp({ create: { width: 10, height: 10, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } })
      .composite([
        { input: { create: { width: 5, height: 10, channels: 4, background: { r: 9, g: 9, b: 9, alpha: 1 } } }, left: 0, top: 0 },
      ])
      .png()
      .toBuffer();
    expect(await measureAlphaCoverage(half)).toEqual({ transparent: 0.5, opaque: 0.5, partial: 0 });
  });
});
