import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
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
  renderImageViews,
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

describe('renderImageViews', () => {
  it('makes a ≤ 400 px thumbnail and a ≤ 1600 px preview of a cut-out file, WebP with its alpha, from one decode', async () => {
    const folder = await mkdtemp(path.join(tmpdir(), 'detour-views-'));
    try {
      const file = path.join(folder, 'cutout.png');
      await sharp({ create: { width: 2000, height: 1000, channels: 4, background: { r: 200, g: 10, b: 10, alpha: 0.5 } } })
        .png()
        .toFile(file);
      const { thumbnail, preview } = await renderImageViews(file, MAX_PIXELS);
      expect(await sharp(thumbnail).metadata()).toMatchObject({ format: 'webp', width: 400, height: 200, hasAlpha: true });
      expect(await sharp(preview).metadata()).toMatchObject({ format: 'webp', width: 1600, height: 800, hasAlpha: true });
      await expect(renderImageViews(file, 1_000_000)).rejects.toBeInstanceOf(UndecodableImageError);
      await writeFile(file, (await readFile(file)).subarray(0, 200));
      await expect(renderImageViews(file, MAX_PIXELS)).rejects.toBeInstanceOf(UndecodableImageError);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
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
