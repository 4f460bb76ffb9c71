import { modelBackground } from './borderModel.js';
import { toLab } from './colourModel.js';
import { clamp, percentile, round2 } from './numeric.js';

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

/**
 * The object's mask on the analysis copy (`rgb`, `w` × `h`, `channels` per pixel): `mask[i]` is 255
 * for the object, 0 for the background, in between on the object's outermost pixels.
 */
export function maskForeground(rgb: Uint8Array, w: number, h: number, channels: number): { mask: Uint8Array; report: SeparationReport } {
  const n = w * h;
  const { border, kept, clusters, distance } = modelBackground(toLab(rgb, n, channels), w, h);

  // Threshold from the border's own spread, then flood fill and clean-up (`separate`). If that leaves
  // (almost) no object, the object may be close to the background colour: try once more with the
  // lowest threshold the noise allows.
  const keptDistances = Float32Array.from(kept, (i) => distance[i]!);
  const borderSpread = percentile(keptDistances, 0.95);
  let threshold = clamp(2 * borderSpread + 4, 7, 45);
  let background = separate(distance, w, h, threshold, borderSpread);
  const lowest = clamp(1.5 * borderSpread + 2, 3.5, threshold);
  if (lowest < threshold && count(background) > 0.98 * n) {
    const retry = separate(distance, w, h, lowest, borderSpread);
    if (count(retry) < count(background)) {
      threshold = lowest;
      background = retry;
    }
  }
  let borderAgreeing = 0;
  for (const i of border) if (distance[i]! < threshold) borderAgreeing++;

  const { mask, backgroundCount } = softenOutline(background, distance, w, h);
  const outlineContrast = measureOutlineContrast(background, distance, w, h) / threshold;

  return {
    mask,
    report: {
      threshold: round2(threshold),
      borderSpread: round2(borderSpread),
      borderAgreement: round2(border.length > 0 ? borderAgreeing / border.length : 0),
      outlineContrast: round2(outlineContrast),
      backgroundFraction: round2(backgroundCount / n),
      clusters,
    },
  };
}

/**
 * The mask, with the object's outermost pixels partly transparent: a pixel that mixes object and
 * background has a distance between 0 and the object's own, so its coverage is about the ratio of
 * its distance to the largest distance of the object pixels near it.
 */
function softenOutline(
  background: Uint8Array,
  distance: Float32Array,
  w: number,
  h: number,
): { mask: Uint8Array; backgroundCount: number } {
  const n = w * h;
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
  return { mask, backgroundCount };
}

/**
 * How far the object's colours sit from the background just inside its outline (2–3 px in, past the
 * anti-aliasing): that is where a weak contrast makes the cut uncertain. The 25th percentile ΔE.
 */
function measureOutlineContrast(background: Uint8Array, distance: Float32Array, w: number, h: number): number {
  const n = w * h;
  const steps = new Uint8Array(n).fill(255);
  let frontier: number[] = [];
  for (let i = 0; i < n; i++) {
    if (background[i]) {
      steps[i] = 0;
      frontier.push(i);
    }
  }
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
          if (steps[j] === 255) {
            steps[j] = step;
            next.push(j);
          }
        }
      }
    }
    frontier = next;
  }
  const inside: number[] = [];
  for (let i = 0; i < n; i++) if (steps[i] === 2 || steps[i] === 3) inside.push(distance[i]!);
  return inside.length > 0 ? percentile(Float32Array.from(inside), 0.25) : 0;
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
  for (let x = 0; x < w; x++) {
    visit(x);
    visit((h - 1) * w + x);
  }
  for (let y = 0; y < h; y++) {
    visit(y * w);
    visit(y * w + w - 1);
  }
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
