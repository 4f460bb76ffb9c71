/** Colours as the algorithm compares them: CIE L*a*b* under D65, where ΔE 1 is about just noticeable. */

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
