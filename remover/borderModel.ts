import { dot, percentile } from './numeric.js';

/**
 * The background as the frame's border shows it: up to 4 colour clusters of a band of border pixels
 * (k-means; clusters with under 10 % of the border are the object touching the edge and are dropped)
 * and a smooth surface `c0 + c1·x + c2·y + c3·(x²+y²)` fitted robustly to the kept pixels (gradients,
 * vignettes). A pixel's distance to the background is its ΔE to the nearest of those.
 */
export interface BackgroundModel {
  /** Indices of the border band's pixels. */
  border: number[];
  /** The border pixels of the kept clusters: the ones the model stands for. */
  kept: number[];
  /** Background colour clusters kept. */
  clusters: number;
  /** Per pixel, its ΔE to the nearest background colour. */
  distance: Float32Array;
}

const MAX_CLUSTERS = 4;
/** Clusters closer than this (ΔE) are one colour. */
const MIN_CLUSTER_SEPARATION = 12;
/** A cluster with less of the border than this is taken for the object touching the edge. */
const MIN_CLUSTER_SHARE = 0.1;

/** The background model of an image given as interleaved L*a*b* (`w` × `h`). */
export function modelBackground(lab: Float32Array, w: number, h: number): BackgroundModel {
  const n = w * h;
  // The border band: 1 % of the short side, 1 to 6 px.
  const band = Math.max(1, Math.min(6, Math.round(Math.min(w, h) * 0.01)));
  const border: number[] = [];
  for (let y = 0; y < h; y++) {
    const edgeRow = y < band || y >= h - band;
    for (let x = 0; x < w; x++) if (edgeRow || x < band || x >= w - band) border.push(y * w + x);
  }

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
  return { border, kept, clusters: centres.length, distance };
}

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
        if (d < best) {
          best = d;
          which = c;
        }
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
        sum[0]! += lab[p]!;
        sum[1]! += lab[p + 1]!;
        sum[2]! += lab[p + 2]!;
        sum[3]! += 1;
      }
      sums.forEach((sum, c) => {
        if (sum[3]! > 0) centres[c] = [sum[0]! / sum[3]!, sum[1]! / sum[3]!, sum[2]! / sum[3]!];
      });
      assign();
    }
    if (centres.length >= MAX_CLUSTERS) break;
    let farthest = -1,
      far = MIN_CLUSTER_SEPARATION;
    for (let s = 0; s < m; s++) {
      if (nearest[s]! > far) {
        far = nearest[s]!;
        farthest = s;
      }
    }
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
