import { maskForeground, type SeparationReport } from './foregroundMask.js';
import { decodeAnalysisCopy, encodeCutout, maskToAlpha, openSourceImage } from './imageIo.js';

/**
 * Background removal without a model: the local stand-in for the production FastAPI service.
 *
 * It separates an object from a plain (or smoothly varying) background, the way product and studio
 * photos are shot. The steps, on a copy downscaled to at most `workingSize` px (long side):
 *  1. colours → CIE Lab (D65), so distances are perceptual (ΔE 1 ≈ just noticeable) — `colourModel.ts`;
 *  2. a background model from a band of border pixels (colour clusters and a smooth surface); a
 *     pixel's distance to the background is its ΔE to the nearest of those — `borderModel.ts`;
 *  3. a threshold from the border's own spread: `T = clamp(2·p95 + 4, 7, 45)` where p95 is the 95th
 *     percentile of the kept border pixels' distance (noise, JPEG artefacts, texture);
 *  4. flood fill (4-connected) from every border pixel under T through pixels under T: the background;
 *  5. clean-up: foreground specks (small, or small and barely above T) become background; enclosed
 *     regions that look exactly like the background and are large enough (the hole of a ring) become
 *     background; small enclosed ones stay (highlights on the object) — 3 to 5 in `foregroundMask.ts`;
 *  6. the mask is upscaled to full size, feathered (Gaussian blur scaled with the upscale factor, then a
 *     contrast curve so the interior stays fully opaque) and joined as the alpha channel of the
 *     auto-oriented original (an alpha the original already had is kept where it is lower) → PNG
 *     — `imageIo.ts`.
 *
 * Quality (`excellent | good | fair`) says how clear-cut the separation was; see `rateSeparation`.
 */

export type CutoutQuality = 'excellent' | 'good' | 'fair';

export interface SegmentForegroundOptions {
  /** Refuse images with more pixels than this (decoded size, checked from the header). Default 50 MP. */
  maxInputPixels?: number;
  /** Long side of the analysis copy. Default 512. */
  workingSize?: number;
}

export interface CutoutResult {
  png: Buffer;
  quality: CutoutQuality;
  width: number;
  height: number;
  report: SeparationReport;
}

export const DEFAULT_MAX_INPUT_PIXELS = 50_000_000;
const DEFAULT_WORKING_SIZE = 512;

/** The image's object on a transparent background, as a PNG, with how clear-cut the separation was. */
export async function segmentForeground(input: Buffer, options: SegmentForegroundOptions = {}): Promise<CutoutResult> {
  const source = await openSourceImage(input, options.maxInputPixels ?? DEFAULT_MAX_INPUT_PIXELS);
  const small = await decodeAnalysisCopy(source, options.workingSize ?? DEFAULT_WORKING_SIZE);
  const { width: w, height: h, channels } = small.info;
  const { mask, report } = maskForeground(small.data, w, h, channels);
  const alpha = await maskToAlpha(mask, w, h, source.width, source.height);
  const png = await encodeCutout(source, alpha);
  return { png, quality: rateSeparation(report), width: source.width, height: source.height, report };
}

/**
 * The quality rule. `excellent`: the object's colours sit far from the background (contrast ≥ 3× the
 * threshold), the border is one clean background (≥ 90 % of it agrees, spread ≤ ΔE 10) and both parts
 * are substantial (5–97 % transparent). `good`: contrast ≥ 1.6, ≥ 70 % border agreement, spread ≤ 20,
 * 2–99 % transparent. Anything else — the object close to the background colour, a busy or
 * multi-coloured border, almost nothing or almost everything removed — is `fair`.
 */
export function rateSeparation(report: SeparationReport): CutoutQuality {
  const { outlineContrast: contrast, borderAgreement: agreement, borderSpread: spread, backgroundFraction: bg } = report;
  if (contrast >= 3 && agreement >= 0.9 && spread <= 10 && bg >= 0.05 && bg <= 0.97) return 'excellent';
  if (contrast >= 1.6 && agreement >= 0.7 && spread <= 20 && bg >= 0.02 && bg <= 0.99) return 'good';
  return 'fair';
}
