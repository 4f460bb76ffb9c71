import sharp from 'sharp';

/**
 * Synthetic photos with a known answer, for the remover's tests and for tuning: each scene is drawn
 * pixel by pixel (so the true object mask is exact) and encoded like a camera or an editor would.
 */

export interface Scene {
  image: Buffer;
  width: number;
  height: number;
  /** 1 where the object is, 0 for background; as displayed (after EXIF orientation). */
  truth: Uint8Array;
}

type Rgb = [number, number, number];

interface DrawOptions {
  width: number;
  height: number;
  background: (x: number, y: number) => Rgb;
  /** Undefined outside the object; anti-aliased by 4×4 supersampling of `inside`. */
  object: (x: number, y: number) => Rgb | undefined;
  noise?: number;
  seed?: number;
}

/** A small deterministic PRNG (mulberry32) so every run draws the same pixels. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function draw(options: DrawOptions): { rgb: Buffer; truth: Uint8Array } {
  const { width, height, noise = 0 } = options;
  const next = random(options.seed ?? 1);
  const rgb = Buffer.alloc(width * height * 3);
  const truth = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const bg = options.background(x, y);
      let cover = 0;
      const sum: Rgb = [0, 0, 0];
      for (let sy = 0; sy < 4; sy++) {
        for (let sx = 0; sx < 4; sx++) {
          const colour = options.object(x + (sx + 0.5) / 4, y + (sy + 0.5) / 4);
          if (colour) {
            cover++;
            for (let c = 0; c < 3; c++) sum[c] = sum[c]! + colour[c]!;
          }
        }
      }
      const f = cover / 16;
      if (f >= 0.5) truth[i] = 1;
      const n = noise ? (next() * 2 - 1) * noise : 0;
      for (let c = 0; c < 3; c++) {
        const value = cover > 0 ? (1 - f) * bg[c]! + sum[c]! / 16 : bg[c]!;
        rgb[3 * i + c] = Math.max(0, Math.min(255, Math.round(value + n + (noise ? (next() * 2 - 1) * noise * 0.3 : 0))));
      }
    }
  }
  return { rgb, truth };
}

async function encode(rgb: Buffer, width: number, height: number, format: 'jpeg' | 'png' = 'jpeg'): Promise<Buffer> {
  const image = sharp(rgb, { raw: { width, height, channels: 3 } });
  return format === 'jpeg' ? image.jpeg({ quality: 90 }).toBuffer() : image.png().toBuffer();
}

const lerp = (a: Rgb, b: Rgb, t: number): Rgb => [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];

/** A red disc on a light, noisy background (white, or light grey), as JPEG. */
export async function redDiscOnNoisyLight(
  options: { width?: number; height?: number; grey?: number; noise?: number } = {},
): Promise<Scene> {
  const width = options.width ?? 800,
    height = options.height ?? 600;
  const grey = options.grey ?? 245;
  const cx = width / 2,
    cy = height / 2,
    r = Math.min(width, height) * 0.3;
  const { rgb, truth } = draw({
    width,
    height,
    noise: options.noise ?? 10,
    background: () => [grey, grey, grey],
    object: (x, y) => ((x - cx) ** 2 + (y - cy) ** 2 <= r * r ? [210, 30, 35] : undefined),
  });
  return { image: await encode(rgb, width, height), width, height, truth };
}

/** A dark rounded box on a diagonal two-colour gradient (sky blue → warm white), as PNG. */
export async function darkObjectOnGradient(): Promise<Scene> {
  const width = 720,
    height = 540;
  const from: Rgb = [150, 190, 235],
    to: Rgb = [250, 240, 215];
  const left = 230,
    right = 490,
    top = 150,
    bottom = 420,
    radius = 40;
  const inside = (x: number, y: number) => {
    const qx = Math.max(left + radius - x, 0, x - (right - radius));
    const qy = Math.max(top + radius - y, 0, y - (bottom - radius));
    return x >= left && x <= right && y >= top && y <= bottom && qx * qx + qy * qy <= radius * radius;
  };
  const { rgb, truth } = draw({
    width,
    height,
    noise: 4,
    background: (x, y) => lerp(from, to, (x / width + y / height) / 2),
    object: (x, y) => (inside(x, y) ? lerp([35, 38, 48], [70, 72, 85], (y - top) / (bottom - top)) : undefined),
  });
  return { image: await encode(rgb, width, height, 'png'), width, height, truth };
}

/**
 * Photo-like: a shaded orange vase with a bright specular highlight, standing on the bottom edge
 * (cut off by the frame), on a vignetted beige backdrop with sensor noise, as JPEG.
 */
export async function vaseOnVignette(): Promise<Scene> {
  const width = 900,
    height = 1200;
  const cx = width / 2;
  const halfWidth = (y: number) => {
    if (y < 380) return 0;
    if (y < 470) return 70; // neck
    const t = (y - 470) / (height - 470);
    return 70 + 210 * Math.sin((Math.min(1, t * 1.6) * Math.PI) / 2);
  };
  const { rgb, truth } = draw({
    width,
    height,
    noise: 6,
    seed: 7,
    background: (x, y) => {
      const r2 = ((x - cx) / width) ** 2 + ((y - height * 0.45) / height) ** 2;
      return lerp([238, 226, 205], [180, 165, 140], Math.min(1, r2 * 2.2));
    },
    object: (x, y) => {
      const hw = halfWidth(y);
      if (hw === 0 || Math.abs(x - cx) > hw) return undefined;
      const u = (x - cx) / hw; // -1 … 1 across the body
      const shade = 0.55 + 0.45 * Math.cos(((u + 0.3) * Math.PI) / 2.2);
      const highlight = (x - (cx - hw * 0.35)) ** 2 / 400 + (y - 700) ** 2 / 6400 <= 1;
      if (highlight) return [252, 236, 215];
      return [225 * shade, 110 * shade, 30 * shade];
    },
  });
  return { image: await encode(rgb, width, height), width, height, truth };
}

/** The hard case: a light grey disc barely darker than its white, noisy background. */
export async function paleDiscOnWhite(): Promise<Scene> {
  const width = 640,
    height = 480;
  const cx = width / 2,
    cy = height / 2,
    r = 150;
  const { rgb, truth } = draw({
    width,
    height,
    noise: 10,
    background: () => [246, 246, 246],
    object: (x, y) => ((x - cx) ** 2 + (y - cy) ** 2 <= r * r ? [229, 229, 232] : undefined),
  });
  return { image: await encode(rgb, width, height), width, height, truth };
}

/** A green ring (with a see-through middle) on white: the middle must become transparent. */
export async function ringOnWhite(): Promise<Scene> {
  const width = 600,
    height = 600;
  const c = 300;
  const { rgb, truth } = draw({
    width,
    height,
    noise: 5,
    background: () => [250, 250, 250],
    object: (x, y) => {
      const d2 = (x - c) ** 2 + (y - c) ** 2;
      return d2 <= 220 ** 2 && d2 >= 120 ** 2 ? [30, 140, 60] : undefined;
    },
  });
  return { image: await encode(rgb, width, height, 'png'), width, height, truth };
}

/**
 * A blue square in the top-left quarter of a 400×300 landscape frame, stored as a 300×400 portrait
 * JPEG with EXIF orientation 6 (rotate 90° clockwise to display): displayed, it is 400×300 again.
 */
export async function orientedJpeg(): Promise<Scene> {
  const width = 400,
    height = 300;
  const { rgb, truth } = draw({
    width,
    height,
    noise: 3,
    background: () => [245, 245, 240],
    object: (x, y) => (x >= 40 && x < 160 && y >= 40 && y < 160 ? [20, 60, 200] : undefined),
  });
  // Store rotated 90° counter-clockwise, with the tag that tells viewers to turn it back.
  const stored = await sharp(rgb, { raw: { width, height, channels: 3 } })
    .rotate(-90)
    .raw()
    .toBuffer();
  const image = await sharp(stored, { raw: { width: height, height: width, channels: 3 } })
    .jpeg({ quality: 92 })
    .withMetadata({ orientation: 6 })
    .toBuffer();
  return { image, width, height, truth };
}

/** A PNG whose background is already transparent: it must stay transparent. */
export async function alreadyCutOut(): Promise<Scene> {
  const width = 300,
    height = 300;
  const truth = new Uint8Array(width * height);
  const rgba = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const inside = (x - 150) ** 2 + (y - 150) ** 2 <= 90 ** 2;
      truth[i] = inside ? 1 : 0;
      rgba.set(inside ? [200, 120, 20, 255] : [0, 0, 0, 0], 4 * i);
    }
  }
  const image = await sharp(rgba, { raw: { width, height, channels: 4 } })
    .png()
    .toBuffer();
  return { image, width, height, truth };
}

export interface CutoutScore {
  /** Share of object pixels (away from the outline) with alpha > 245. */
  object: number;
  /** Share of background pixels (away from the outline) with alpha < 10. */
  background: number;
  width: number;
  height: number;
  channels: number;
}

/**
 * Compares a cut-out's alpha with the scene's true mask, ignoring pixels within `margin` px of the
 * true outline (where partial transparency is expected).
 */
export async function scoreCutout(
  png: Buffer,
  scene: Scene,
  margin = Math.max(4, Math.round(Math.max(scene.width, scene.height) / 100)),
): Promise<CutoutScore> {
  const metadata = await sharp(png).metadata();
  const alpha = await sharp(png).ensureAlpha().extractChannel(3).raw().toBuffer();
  const { width: w, height: h, truth } = scene;
  if (metadata.width !== w || metadata.height !== h) {
    return { object: 0, background: 0, width: metadata.width, height: metadata.height, channels: metadata.channels };
  }
  let objects = 0,
    opaque = 0,
    backgrounds = 0,
    transparent = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x,
        t = truth[i];
      let uniform = true;
      for (let dy = -margin; dy <= margin && uniform; dy += margin) {
        for (let dx = -margin; dx <= margin && uniform; dx += margin) {
          const yy = Math.min(h - 1, Math.max(0, y + dy)),
            xx = Math.min(w - 1, Math.max(0, x + dx));
          if (truth[yy * w + xx] !== t) uniform = false;
        }
      }
      if (!uniform) continue;
      if (t) {
        objects++;
        if (alpha[i]! > 245) opaque++;
      } else {
        backgrounds++;
        if (alpha[i]! < 10) transparent++;
      }
    }
  }
  return {
    object: objects ? opaque / objects : 1,
    background: backgrounds ? transparent / backgrounds : 1,
    width: w,
    height: h,
    channels: metadata.channels,
  };
}
