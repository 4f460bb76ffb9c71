import sharp from 'sharp';

/**
 * Photo-like test images made on the fly. Detail at every scale, as in a photograph: large soft
 * colour areas, mid-sized shapes and fine texture (random colours at 1/256, 1/48 and 1/8 of the size,
 * each blown up smoothly), under sensor-like grain. JPEG's entropy decoding costs more the more detail
 * there is, so a flat synthetic picture would flatter every decoder; this one encodes at about
 * 2.5 bits per pixel at quality 90, as a phone camera's 12 MP JPEG of 3 to 4 MB does.
 */

const OCTAVES = [
  { divisor: 256, sigma: 70 },
  { divisor: 48, sigma: 30 },
  { divisor: 8, sigma: 14 },
] as const;
/** Grain amplitude: uniform in ±GRAIN levels. */
const GRAIN = 12;

async function photoPixels(width: number, height: number): Promise<Buffer> {
  const [coarse, middle, fine] = await Promise.all(
    OCTAVES.map(({ divisor, sigma }) =>
      sharp({
        create: {
          width: Math.max(2, Math.ceil(width / divisor)),
          height: Math.max(2, Math.ceil(height / divisor)),
          channels: 3,
          background: '#808080',
          noise: { type: 'gaussian', mean: 128, sigma },
        },
      })
        .resize(width, height, { kernel: 'cubic', fit: 'fill' })
        .raw()
        .toBuffer(),
    ),
  );
  // Clamped, so that sums past 0 or 255 saturate like an exposure rather than wrap around. The grain
  // comes from xorshift32 here: libvips' Gaussian noise at full size would take longer than the rest.
  const pixels = new Uint8ClampedArray(width * height * 3);
  let state = 0x9e3779b9;
  for (let i = 0; i < pixels.length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    const grain = ((state >>> 0) % (2 * GRAIN + 1)) - GRAIN;
    pixels[i] = coarse![i]! + middle![i]! + fine![i]! - 256 + grain;
  }
  return Buffer.from(pixels.buffer);
}

/** A photo's pixels, encoded as the files a benchmark needs. */
export class Photo {
  private constructor(
    readonly width: number,
    readonly height: number,
    private readonly pixels: Buffer,
  ) {}

  static async make(width: number, height: number): Promise<Photo> {
    return new Photo(width, height, await photoPixels(width, height));
  }

  private image() {
    return sharp(this.pixels, { raw: { width: this.width, height: this.height, channels: 3 } });
  }

  jpeg(): Promise<Buffer> {
    return this.image().jpeg({ quality: 90 }).toBuffer();
  }

  /**
   * What the background remover hands the thumbnail step: the photo as an RGBA PNG whose alpha keeps
   * a subject (an ellipse with a soft edge) and clears the rest, with the colour kept under the
   * transparent part as the local remover keeps it, at the remover's compression level.
   */
  async cutoutPng(): Promise<Buffer> {
    const { width, height } = this;
    const mask = await sharp(
      Buffer.from(
        `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%"/>` +
          `<ellipse cx="${width / 2}" cy="${height / 2}" rx="${width * 0.3}" ry="${height * 0.4}" fill="#fff"/></svg>`,
      ),
    )
      .blur(Math.max(1, width / 1000))
      .extractChannel(0)
      .raw()
      .toBuffer();
    return this.image()
      .joinChannel(mask, { raw: { width, height, channels: 1 } })
      .png({ compressionLevel: 6 })
      .toBuffer();
  }
}
