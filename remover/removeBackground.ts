import sharp, { type Metadata, type OutputInfo } from 'sharp';

/**
 * Background removal without a model: the local stand-in for the production FastAPI service.
 *
 * It separates an object from a plain (or smoothly varying) background, the way product and studio
 * photos are shot. The steps, on a copy downscaled to at most `workingSize` px (long side):
 *  1. colours → CIE Lab (D65), so distances are perceptual (ΔE 1 ≈ just noticeable);
 *  2. a background model from a band of border pixels: up to 4 colour clusters (k-means; clusters with
 *     under 10 % of the border are the object touching the edge and are dropped) and a smooth surface
 *     `c0 + c1·x + c2·y + c3·(x²+y²)` fitted robustly to the kept pixels (gradients, vignettes);
 *     a pixel's distance to the background is its ΔE to the nearest of those;
 *  3. a threshold from the border's own spread: `T = clamp(2·p95 + 4, 7, 45)` where p95 is the 95th
 *     percentile of the kept border pixels' distance (noise, JPEG artefacts, texture);
 *  4. flood fill (4-connected) from every border pixel under T through pixels under T: the background;
 *  5. clean-up: foreground specks (small, or small and barely above T) become background; enclosed
 *     regions that look exactly like the background and are large enough (the hole of a ring) become
 *     background; small enclosed ones stay (highlights on the object);
 *  6. the mask is upscaled to full size, feathered (Gaussian blur scaled with the upscale factor, then a
 *     contrast curve so the interior stays fully opaque) and joined as the alpha channel of the
 *     auto-oriented original (an alpha the original already had is kept where it is lower) → PNG.
 *
 * Quality (`excellent | good | fair`) says how clear-cut the separation was; see `rateSeparation`.
 */

export type CutoutQuality = 'excellent' | 'good' | 'fair';

export interface RemoveBackgroundOptions {
  /** Refuse images with more pixels than this (decoded size, checked from the header). Default 50 MP. */
  maxInputPixels?: number;
  /** Long side of the analysis copy. Default 512. */
  workingSize?: number;
}

/** The measurements behind the quality rating (also useful in logs). */
export interface SeparationReport {
  /** The ΔE threshold between background and object. */
  threshold: number;
  /** 95th percentile ΔE of the border pixels that belong to the background model. */
  borderSpread: number;
  /** Share of border pixels under the threshold (1 = the object never touches the edge). */
  borderAgreement: number;
  /** 25th percentile ΔE of the object 2–3 px inside its outline, divided by the threshold. */
  outlineContrast: number;
  /** Share of the picture that became transparent. */
  backgroundFraction: number;
  /** Background colour clusters kept. */
  clusters: number;
}

export interface CutoutResult {
  png: Buffer;
  quality: CutoutQuality;
  width: number;
  height: number;
  report: SeparationReport;
}

export const DEFAULT_MAX_INPUT_PIXELS = 50_000_000;
export const DEFAULT_WORKING_SIZE = 512;
/** zlib level 3: about 5× faster than 6 on photos for ~15 % more bytes. */
const PNG_COMPRESSION = 3;

/** The bytes are not an image sharp can decode (or the file is truncated/corrupt). */
export class UndecodableImageError extends Error {
  override name = 'UndecodableImageError';
}

/** The image has more pixels than allowed. */
export class TooManyPixelsError extends Error {
  override name = 'TooManyPixelsError';
}

export async function removeBackground(input: Buffer, options: RemoveBackgroundOptions = {}): Promise<CutoutResult> {
  const maxPixels = options.maxInputPixels ?? DEFAULT_MAX_INPUT_PIXELS;
  const workingSize = options.workingSize ?? DEFAULT_WORKING_SIZE;

  // Header only: refuse huge images before any pixel is decoded.
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
  const decode = () => sharp(input, { failOn: 'error', limitInputPixels: maxPixels }).autoOrient();

  // The analysis copy: small, sRGB, 8-bit, transparency flattened onto white, a 3×3 median against noise.
  const scale = Math.min(1, workingSize / Math.max(width, height));
  const smallSide = Math.round(Math.min(width, height) * scale);
  let small: { data: Buffer; info: OutputInfo };
  try {
    const analysis = decode()
      .resize(workingSize, workingSize, { fit: 'inside', withoutEnlargement: true })
      .flatten({ background: '#ffffff' });
    small = await (smallSide >= 3 ? analysis.median(3) : analysis)
      .toColourspace('srgb')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
  } catch (cause) {
    throw new UndecodableImageError('The image data is truncated or corrupt.', { cause });
  }
  const { width: w, height: h, channels } = small.info;
  const { mask, report } = segment(small.data, w, h, channels);
  const quality = rateSeparation(report);

  const alpha = await upscaleMask(mask, w, h, width, height);
  let png: Buffer;
  try {
    if (metadata.hasAlpha || metadata.depth !== 'uchar' || (metadata.channels ?? 0) < 3) {
      // Through raw 8-bit RGBA: it keeps the original's own transparency where it is lower (sharp's
      // removeAlpha runs after joinChannel), brings 16-bit images to 8 bits (an 8-bit alpha joined to
      // them would be read on the 16-bit scale) and greyscale to RGB.
      const rgba = await decode().toColourspace('srgb').ensureAlpha().raw({ depth: 'uchar' }).toBuffer();
      for (let i = 0, o = 3; i < alpha.length; i++, o += 4) if (alpha[i]! < rgba[o]!) rgba[o] = alpha[i]!;
      png = await sharp(rgba, { raw: { width, height, channels: 4 } })
        .png({ compressionLevel: PNG_COMPRESSION })
        .toBuffer();
    } else {
      png = await decode()
        .toColourspace('srgb')
        .joinChannel(alpha, { raw: { width, height, channels: 1 } })
        .png({ compressionLevel: PNG_COMPRESSION })
        .toBuffer();
    }
  } catch (cause) {
    throw new UndecodableImageError('The image data is truncated or corrupt.', { cause });
  }
  return { png, quality, width, height, report };
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

// ---------------------------------------------------------------------------------------------------
// Segmentation on the analysis copy

/** `mask[i]` is 255 for the object, 0 for the background. */
export function segment(rgb: Uint8Array, w: number, h: number, channels: number): { mask: Uint8Array; report: SeparationReport } {
  const n = w * h;
  const lab = toLab(rgb, n, channels);

  // 1. Border band samples.
  const band = Math.max(1, Math.min(6, Math.round(Math.min(w, h) * 0.01)));
  const border: number[] = [];
  for (let y = 0; y < h; y++) {
    const edgeRow = y < band || y >= h - band;
    for (let x = 0; x < w; x++) if (edgeRow || x < band || x >= w - band) border.push(y * w + x);
  }

  // 2. Background model: clusters, then a smooth surface over the pixels of the kept clusters.
  const clusters = clusterBorder(lab, border);
  const kept = border.filter((_, i) => clusters.keep[clusters.assignment[i]!]);
  const surface = fitSurface(lab, kept, w, h);
  const centres = clusters.centres.filter((_, c) => clusters.keep[c]);

  const distance = new Float32Array(n);
  const sx = 2 / Math.max(1, w - 1);
  const sy = 2 / Math.max(1, h - 1);
  for (let y = 0, i = 0; y < h; y++) {
    const ny = y * sy - 1;
    for (let x = 0; x < w; x++, i++) {
      const nx = x * sx - 1;
      const L = lab[3 * i]!,
        A = lab[3 * i + 1]!,
        B = lab[3 * i + 2]!;
      const basis = [1, nx, ny, nx * nx + ny * ny];
      let best = Infinity;
      if (surface) {
        const dl = L - dot(surface[0]!, basis),
          da = A - dot(surface[1]!, basis),
          db = B - dot(surface[2]!, basis);
        best = dl * dl + da * da + db * db;
      }
      for (const c of centres) {
        const dl = L - c[0]!,
          da = A - c[1]!,
          db = B - c[2]!;
        const d = dl * dl + da * da + db * db;
        if (d < best) best = d;
      }
      distance[i] = Math.sqrt(best);
    }
  }

  // 3. Threshold from the border's own spread, then flood fill and clean-up (`separate`). If that
  //    leaves (almost) no object, the object may be close to the background colour: try once more
  //    with the lowest threshold the noise allows.
  const keptDistances = Float32Array.from(kept, (i) => distance[i]!);
  const borderSpread = percentile(keptDistances, 0.95);
  let threshold = clamp(2 * borderSpread + 4, 7, 45);
  let background = separate(distance, w, h, threshold, borderSpread);
  const lowest = clamp(1.5 * borderSpread + 2, 3.5, threshold);
  if (lowest < threshold && count(background) > 0.98 * n) {
    const retry = separate(distance, w, h, lowest, borderSpread);
    if (count(retry) < count(background)) ((threshold = lowest), (background = retry));
  }
  let borderAgreeing = 0;
  for (const i of border) if (distance[i]! < threshold) borderAgreeing++;

  // 4. The mask, with the object's outermost pixels partly transparent: a pixel that mixes object and
  // background has a distance between 0 and the object's own, so its coverage is about the ratio of
  // its distance to the largest distance of the object pixels near it.
  const mask = new Uint8Array(n);
  let backgroundCount = 0;
  for (let i = 0; i < n; i++) {
    if (background[i]) backgroundCount++;
    else mask[i] = 255;
  }
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      if (background[i]) continue;
      const edge =
        (x > 0 && background[i - 1]) ||
        (x < w - 1 && background[i + 1]) ||
        (y > 0 && background[i - w]) ||
        (y < h - 1 && background[i + w]);
      if (!edge) continue;
      let object = 0;
      for (let dy = -2; dy <= 2; dy++) {
        const yy = y + dy;
        if (yy < 0 || yy >= h) continue;
        for (let dx = -2; dx <= 2; dx++) {
          const xx = x + dx;
          if (xx >= 0 && xx < w && !background[yy * w + xx]) object = Math.max(object, distance[yy * w + xx]!);
        }
      }
      if (object > distance[i]!) mask[i] = Math.round(255 * clamp(distance[i]! / object, 0.25, 1));
    }
  }
  // How far the object's colours sit from the background just inside its outline (2–3 px in, past
  // the anti-aliasing): that is where a weak contrast makes the cut uncertain.
  const steps = new Uint8Array(n).fill(255);
  let frontier: number[] = [];
  for (let i = 0; i < n; i++) if (background[i]) ((steps[i] = 0), frontier.push(i));
  for (let step = 1; step <= 3 && frontier.length > 0; step++) {
    const next: number[] = [];
    for (const i of frontier) {
      const x = i % w,
        y = (i / w) | 0;
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx,
            yy = y + dy;
          if (xx < 0 || yy < 0 || xx >= w || yy >= h) continue;
          const j = yy * w + xx;
          if (steps[j] === 255) ((steps[j] = step), next.push(j));
        }
      }
    }
    frontier = next;
  }
  const inside: number[] = [];
  for (let i = 0; i < n; i++) if (steps[i] === 2 || steps[i] === 3) inside.push(distance[i]!);
  const outlineContrast = inside.length > 0 ? percentile(Float32Array.from(inside), 0.25) / threshold : 0;

  return {
    mask,
    report: {
      threshold: round2(threshold),
      borderSpread: round2(borderSpread),
      borderAgreement: round2(border.length > 0 ? borderAgreeing / border.length : 0),
      outlineContrast: round2(outlineContrast),
      backgroundFraction: round2(backgroundCount / n),
      clusters: centres.length,
    },
  };
}

/**
 * Flood fill from the edges through pixels under the threshold, then clean-up.
 * Returns 1 for background, 0 for the object.
 */
function separate(distance: Float32Array, w: number, h: number, threshold: number, borderSpread: number): Uint8Array {
  const n = w * h;
  const background = new Uint8Array(n);
  const queue = new Int32Array(n);
  let head = 0,
    tail = 0;
  const visit = (j: number) => {
    if (!background[j] && distance[j]! < threshold) {
      background[j] = 1;
      queue[tail++] = j;
    }
  };
  for (let x = 0; x < w; x++) (visit(x), visit((h - 1) * w + x));
  for (let y = 0; y < h; y++) (visit(y * w), visit(y * w + w - 1));
  while (head < tail) {
    const i = queue[head++]!;
    const x = i % w;
    if (x > 0) visit(i - 1);
    if (x < w - 1) visit(i + 1);
    if (i >= w) visit(i - w);
    if (i < n - w) visit(i + w);
  }

  // Foreground specks: tiny ones, and small ones that are barely above the threshold (noise).
  const minSpeck = Math.max(4, Math.round(n * 0.0001));
  const maxWeakSpeck = Math.round(n * 0.002);
  forEachComponent(
    w,
    h,
    (i) => !background[i],
    (pixels) => {
      let sum = 0;
      for (const i of pixels) sum += distance[i]!;
      const mean = sum / pixels.length;
      if (pixels.length < minSpeck || (pixels.length < maxWeakSpeck && mean < 1.5 * threshold)) {
        for (const i of pixels) background[i] = 1;
      }
    },
  );
  // Enclosed background-coloured regions: large and as clean as the border → background (the middle
  // of a ring); smaller ones stay (highlights and light details of the object).
  const minHole = Math.round(n * 0.0025);
  forEachComponent(
    w,
    h,
    (i) => !background[i] && distance[i]! < threshold,
    (pixels) => {
      if (pixels.length < minHole) return;
      const values = Float32Array.from(pixels, (i) => distance[i]!);
      if (percentile(values, 0.5) < threshold / 2 && percentile(values, 0.95) <= 1.5 * borderSpread + 2) {
        for (const i of pixels) background[i] = 1;
      }
    },
  );
  return background;
}

function count(flags: Uint8Array): number {
  let total = 0;
  for (let i = 0; i < flags.length; i++) total += flags[i]!;
  return total;
}

// ---------------------------------------------------------------------------------------------------
// Colour

const SRGB_TO_LINEAR = Float64Array.from({ length: 256 }, (_, v) => {
  const c = v / 255;
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
});

function labF(t: number): number {
  return t > 216 / 24389 ? Math.cbrt(t) : ((24389 / 27) * t + 16) / 116;
}

/** sRGB (8-bit, `channels` per pixel, the first three R, G, B) → interleaved L*a*b* under D65. */
export function toLab(rgb: Uint8Array, n: number, channels: number): Float32Array {
  const lab = new Float32Array(3 * n);
  const grey = channels < 3;
  for (let i = 0; i < n; i++) {
    const o = i * channels;
    const r = SRGB_TO_LINEAR[rgb[o]!]!;
    const g = grey ? r : SRGB_TO_LINEAR[rgb[o + 1]!]!;
    const b = grey ? r : SRGB_TO_LINEAR[rgb[o + 2]!]!;
    const fx = labF((0.4124564 * r + 0.3575761 * g + 0.1804375 * b) / 0.95047);
    const fy = labF(0.2126729 * r + 0.7151522 * g + 0.072175 * b);
    const fz = labF((0.0193339 * r + 0.119192 * g + 0.9503041 * b) / 1.08883);
    lab[3 * i] = 116 * fy - 16;
    lab[3 * i + 1] = 500 * (fx - fy);
    lab[3 * i + 2] = 200 * (fy - fz);
  }
  return lab;
}

// ---------------------------------------------------------------------------------------------------
// Background model

const MAX_CLUSTERS = 4;
/** Clusters closer than this (ΔE) are one colour. */
const MIN_CLUSTER_SEPARATION = 12;
/** A cluster with less of the border than this is taken for the object touching the edge. */
const MIN_CLUSTER_SHARE = 0.1;

interface BorderClusters {
  centres: number[][];
  assignment: Uint8Array;
  keep: boolean[];
}

/** Deterministic k-means in Lab: start at the per-channel median, add the farthest sample while it is far. */
function clusterBorder(lab: Float32Array, border: number[]): BorderClusters {
  const m = border.length;
  const channel = (c: number) => Float32Array.from(border, (i) => lab[3 * i + c]!);
  const centres: number[][] = [[percentile(channel(0), 0.5), percentile(channel(1), 0.5), percentile(channel(2), 0.5)]];
  const assignment = new Uint8Array(m);
  const nearest = new Float32Array(m);

  const assign = () => {
    for (let s = 0; s < m; s++) {
      const p = 3 * border[s]!;
      let best = Infinity,
        which = 0;
      for (let c = 0; c < centres.length; c++) {
        const k = centres[c]!;
        const d = (lab[p]! - k[0]!) ** 2 + (lab[p + 1]! - k[1]!) ** 2 + (lab[p + 2]! - k[2]!) ** 2;
        if (d < best) ((best = d), (which = c));
      }
      assignment[s] = which;
      nearest[s] = Math.sqrt(best);
    }
  };

  for (;;) {
    assign();
    for (let iteration = 0; iteration < 8; iteration++) {
      const sums = centres.map(() => [0, 0, 0, 0]);
      for (let s = 0; s < m; s++) {
        const p = 3 * border[s]!,
          sum = sums[assignment[s]!]!;
        ((sum[0]! += lab[p]!), (sum[1]! += lab[p + 1]!), (sum[2]! += lab[p + 2]!), (sum[3]! += 1));
      }
      sums.forEach((sum, c) => {
        if (sum[3]! > 0) centres[c] = [sum[0]! / sum[3]!, sum[1]! / sum[3]!, sum[2]! / sum[3]!];
      });
      assign();
    }
    if (centres.length >= MAX_CLUSTERS) break;
    let farthest = -1,
      far = MIN_CLUSTER_SEPARATION;
    for (let s = 0; s < m; s++) if (nearest[s]! > far) ((far = nearest[s]!), (farthest = s));
    if (farthest < 0) break;
    const p = 3 * border[farthest]!;
    centres.push([lab[p]!, lab[p + 1]!, lab[p + 2]!]);
  }

  const counts = centres.map(() => 0);
  for (let s = 0; s < m; s++) counts[assignment[s]!]!++;
  const largest = counts.indexOf(Math.max(...counts));
  const keep = counts.map((count, c) => c === largest || count >= MIN_CLUSTER_SHARE * m);
  return { centres, assignment, keep };
}

/**
 * Per Lab channel, least squares of `c0 + c1·x + c2·y + c3·(x²+y²)` (x, y in [-1, 1]) over the border
 * samples, refitted twice without the samples far from the fit. Undefined when too few samples.
 */
function fitSurface(lab: Float32Array, samples: number[], w: number, h: number): number[][] | undefined {
  let active = samples;
  let model: number[][] | undefined;
  const sx = 2 / Math.max(1, w - 1),
    sy = 2 / Math.max(1, h - 1);
  const basisOf = (i: number) => {
    const nx = (i % w) * sx - 1,
      ny = ((i / w) | 0) * sy - 1;
    return [1, nx, ny, nx * nx + ny * ny];
  };
  for (let round = 0; round < 3; round++) {
    if (active.length < 16) return model;
    const ata = Array.from({ length: 4 }, () => [0, 0, 0, 0]);
    const atb = Array.from({ length: 3 }, () => [0, 0, 0, 0]);
    for (const i of active) {
      const basis = basisOf(i);
      for (let r = 0; r < 4; r++) {
        for (let c = 0; c < 4; c++) ata[r]![c]! += basis[r]! * basis[c]!;
        for (let ch = 0; ch < 3; ch++) atb[ch]![r]! += basis[r]! * lab[3 * i + ch]!;
      }
    }
    // A little ridge keeps the fit stable when whole edges are missing.
    for (let r = 1; r < 4; r++) ata[r]![r]! += 1e-3 * active.length;
    const solved = atb.map((rhs) => solve4(ata, rhs));
    if (solved.some((s) => s === undefined)) return model;
    model = solved as number[][];
    const residuals = Float32Array.from(active, (i) => {
      const basis = basisOf(i);
      let d = 0;
      for (let ch = 0; ch < 3; ch++) d += (lab[3 * i + ch]! - dot(model![ch]!, basis)) ** 2;
      return Math.sqrt(d);
    });
    const cut = Math.max(3, 2.5 * percentile(residuals, 0.5));
    active = active.filter((_, s) => residuals[s]! <= cut);
  }
  return model;
}

function solve4(matrix: number[][], rhs: number[]): number[] | undefined {
  const a = matrix.map((row, r) => [...row, rhs[r]!]);
  for (let col = 0; col < 4; col++) {
    let pivot = col;
    for (let r = col + 1; r < 4; r++) if (Math.abs(a[r]![col]!) > Math.abs(a[pivot]![col]!)) pivot = r;
    if (Math.abs(a[pivot]![col]!) < 1e-9) return undefined;
    [a[col], a[pivot]] = [a[pivot]!, a[col]!];
    for (let r = 0; r < 4; r++) {
      if (r === col) continue;
      const f = a[r]![col]! / a[col]![col]!;
      for (let c = col; c < 5; c++) a[r]![c]! -= f * a[col]![c]!;
    }
  }
  return a.map((row, r) => row[4]! / row[r]!);
}

// ---------------------------------------------------------------------------------------------------
// Mask → alpha

/**
 * Upscales the 0/255 mask to the full size, then feathers it: a Gaussian blur a little wider than one
 * mask pixel, followed by a contrast curve (×2 around the middle) so that the transition stays about
 * one mask pixel wide and the interior stays at 255.
 */
async function upscaleMask(mask: Uint8Array, w: number, h: number, width: number, height: number): Promise<Buffer> {
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

// ---------------------------------------------------------------------------------------------------
// Helpers

/** Calls `visit` with the pixels of each 8-connected component of the pixels where `inside` holds. */
function forEachComponent(w: number, h: number, inside: (i: number) => boolean, visit: (pixels: number[]) => void): void {
  const n = w * h;
  const seen = new Uint8Array(n);
  const stack = new Int32Array(n);
  for (let start = 0; start < n; start++) {
    if (seen[start] || !inside(start)) continue;
    const pixels: number[] = [];
    let top = 0;
    stack[top++] = start;
    seen[start] = 1;
    while (top > 0) {
      const i = stack[--top]!;
      pixels.push(i);
      const x = i % w,
        y = (i / w) | 0;
      for (let dy = -1; dy <= 1; dy++) {
        const yy = y + dy;
        if (yy < 0 || yy >= h) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx;
          if (xx < 0 || xx >= w) continue;
          const j = yy * w + xx;
          if (!seen[j] && inside(j)) {
            seen[j] = 1;
            stack[top++] = j;
          }
        }
      }
    }
    visit(pixels);
  }
}

function percentile(values: Float32Array, q: number): number {
  if (values.length === 0) return 0;
  const sorted = Float32Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))))]!;
}

function dot(a: number[], b: number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
