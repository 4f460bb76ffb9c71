import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { TooManyPixelsError, UndecodableImageError } from './imageIo.js';
import { rateSeparation, segmentForeground } from './segmentForeground.js';
import {
  alreadyCutOut,
  darkObjectOnGradient,
  orientedJpeg,
  paleDiscOnWhite,
  redDiscOnNoisyLight,
  ringOnWhite,
  scoreCutout,
  vaseOnVignette,
  type Scene,
} from './testScenes.js';

beforeAll(() => {
  sharp.concurrency(2);
});

const CLEAN_SCENES: [string, () => Promise<Scene>][] = [
  ['a red disc on a white noisy background', () => redDiscOnNoisyLight()],
  ['a red disc on a light-grey, very noisy background', () => redDiscOnNoisyLight({ grey: 200, noise: 25 })],
  ['a dark object on a diagonal gradient', darkObjectOnGradient],
  ['a photo-like vase on a vignetted backdrop, cut by the bottom edge', vaseOnVignette],
  ['a ring whose middle shows the background', ringOnWhite],
];

describe('segmentForeground on objects against plain backgrounds', () => {
  it.each(CLEAN_SCENES)('cuts out %s', async (_, make) => {
    const scene = await make();
    const result = await segmentForeground(scene.image);

    const metadata = await sharp(result.png).metadata();
    expect(metadata.format).toBe('png');
    expect(metadata.hasAlpha).toBe(true);
    expect([result.width, result.height]).toEqual([scene.width, scene.height]);

    const score = await scoreCutout(result.png, scene);
    expect(score.channels).toBe(4);
    expect(score.object).toBeGreaterThan(0.97);
    expect(score.background).toBeGreaterThan(0.97);
  });

  it('rates clean separations excellent', async () => {
    for (const make of [() => redDiscOnNoisyLight(), darkObjectOnGradient, ringOnWhite]) {
      const { quality, report } = await segmentForeground((await make()).image);
      expect(quality, JSON.stringify(report)).toBe('excellent');
    }
  });

  it('rates an object barely darker than its background worse, yet still separates it', async () => {
    const scene = await paleDiscOnWhite();
    const result = await segmentForeground(scene.image);
    expect(result.quality).not.toBe('excellent');
    expect(result.report.outlineContrast).toBeLessThan(3);
    const score = await scoreCutout(result.png, scene);
    expect(score.object).toBeGreaterThan(0.9);
    expect(score.background).toBeGreaterThan(0.9);
  });

  it('keeps a soft, anti-aliased outline rather than a jagged one', async () => {
    const scene = await redDiscOnNoisyLight({ width: 1600, height: 1200 });
    const { png } = await segmentForeground(scene.image);
    const alpha = await sharp(png).extractChannel(3).raw().toBuffer();
    // Along the disc's middle row, alpha goes from 0 to 255 over a few pixels around the true edge (x = 440).
    const row = 600 * 1600;
    const edge = Array.from({ length: 40 }, (_, k) => alpha[row + 420 + k]!);
    const soft = edge.filter((a) => a > 10 && a < 245).length;
    expect(soft).toBeGreaterThanOrEqual(1);
    expect(soft).toBeLessThanOrEqual(8);
    expect(alpha[row + 425]).toBeLessThan(10);
    expect(alpha[row + 455]).toBeGreaterThan(245);
    expect(Math.abs(edge.findIndex((a) => a >= 128) + 420 - 440)).toBeLessThanOrEqual(2);
  });
});

describe('segmentForeground on special inputs', () => {
  it('respects the EXIF orientation: the cut-out is upright, as displayed', async () => {
    const scene = await orientedJpeg();
    const stored = await sharp(scene.image).metadata();
    expect([stored.width, stored.height, stored.orientation]).toEqual([300, 400, 6]);

    const result = await segmentForeground(scene.image);
    const metadata = await sharp(result.png).metadata();
    expect([metadata.width, metadata.height]).toEqual([400, 300]);
    expect(metadata.orientation ?? 1).toBe(1);
    const score = await scoreCutout(result.png, scene);
    expect(score.object).toBeGreaterThan(0.97);
    expect(score.background).toBeGreaterThan(0.97);
  });

  it('keeps the transparency an image already has', async () => {
    const scene = await alreadyCutOut();
    const result = await segmentForeground(scene.image);
    const score = await scoreCutout(result.png, scene);
    expect(score.object).toBeGreaterThan(0.97);
    expect(score.background).toBe(1);
  });

  it('handles greyscale, 16-bit and CMYK inputs, always answering 8-bit sRGB + alpha', async () => {
    const scene = await redDiscOnNoisyLight({ width: 400, height: 300 });
    const grey = await sharp(scene.image).toColourspace('b-w').png().toBuffer();
    const deep = await sharp(scene.image).toColourspace('rgb16').png().toBuffer();
    const cmyk = await sharp(scene.image).toColourspace('cmyk').jpeg().toBuffer();
    expect((await sharp(grey).metadata()).channels).toBe(1);
    expect((await sharp(deep).metadata()).depth).toBe('ushort');
    expect((await sharp(cmyk).metadata()).space).toBe('cmyk');
    for (const image of [grey, deep, cmyk]) {
      const result = await segmentForeground(image);
      const metadata = await sharp(result.png).metadata();
      expect([metadata.channels, metadata.depth, metadata.space]).toEqual([4, 'uchar', 'srgb']);
      const score = await scoreCutout(result.png, scene);
      expect(score.object).toBeGreaterThan(0.97);
      expect(score.background).toBeGreaterThan(0.97);
    }
  });

  it('refuses bytes that are not an image, and truncated images', async () => {
    await expect(segmentForeground(Buffer.from('<!doctype html><p>not an image</p>'))).rejects.toBeInstanceOf(UndecodableImageError);
    const jpeg = (await redDiscOnNoisyLight()).image;
    await expect(segmentForeground(jpeg.subarray(0, Math.floor(jpeg.length / 2)))).rejects.toBeInstanceOf(UndecodableImageError);
  });

  it('refuses more pixels than allowed, from the header', async () => {
    const { image } = await redDiscOnNoisyLight();
    await expect(segmentForeground(image, { maxInputPixels: 800 * 600 - 1 })).rejects.toBeInstanceOf(TooManyPixelsError);
  });

  it('rates an image with nothing to separate fair', async () => {
    const blank = await sharp({ create: { width: 300, height: 200, channels: 3, background: '#f4f4f4' } })
      .png()
      .toBuffer();
    expect((await segmentForeground(blank)).quality).toBe('fair');
  });
});

describe('rateSeparation', () => {
  const clean = { threshold: 7, borderSpread: 1, borderAgreement: 1, outlineContrast: 10, backgroundFraction: 0.6, clusters: 1 };

  it('follows the documented rule', () => {
    expect(rateSeparation(clean)).toBe('excellent');
    expect(rateSeparation({ ...clean, outlineContrast: 2 })).toBe('good');
    expect(rateSeparation({ ...clean, borderAgreement: 0.8 })).toBe('good');
    expect(rateSeparation({ ...clean, borderSpread: 15 })).toBe('good');
    expect(rateSeparation({ ...clean, outlineContrast: 1.2 })).toBe('fair');
    expect(rateSeparation({ ...clean, borderAgreement: 0.5 })).toBe('fair');
    expect(rateSeparation({ ...clean, backgroundFraction: 0.995 })).toBe('fair');
    expect(rateSeparation({ ...clean, backgroundFraction: 0.01 })).toBe('fair');
  });
});
