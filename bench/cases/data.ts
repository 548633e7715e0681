// Host-side inputs for benchmark cases: seeded, so two runs time the same numbers.

import { Random } from '../../src/data/random';
import { readBuffer } from '../../src/gpu/readback';
import { F32, type Tensor } from '../../src/gpu/tensor';

/** n float32 values uniform in [lo, hi), from a fixed seed per purpose. */
export function uniformF32(n: number, lo: number, hi: number, seed: number): Float32Array {
  const rng = new Random(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.uniform(lo, hi);
  return out;
}

/** Reads `count` values of `t` starting at element `start` (a sample, not the whole tensor). */
export function readSlice(device: GPUDevice, t: Tensor, start: number, count: number): Promise<Float32Array> {
  const n = Math.max(0, Math.min(count, t.size - start));
  return readBuffer(device, t.buffer, t.offset + start * F32, n * F32);
}

/** A few element ranges spread over [0, n): the first, one in the middle, the last. */
export function sampleRanges(n: number, width: number): Array<[number, number]> {
  const w = Math.min(width, n);
  const starts = [...new Set([0, Math.max(0, Math.floor(n / 2) - (w >> 1)), n - w])];
  return starts.map((s) => [s, w]);
}

/** 1M, 4M, 16M, 256K: element counts as people say them. */
export function countLabel(n: number): string {
  if (n >= 1 << 20 && n % (1 << 20) === 0) return `${n >> 20}M`;
  if (n >= 1 << 10 && n % (1 << 10) === 0) return `${n >> 10}K`;
  return String(n);
}

/** Index and values of the first disagreement beyond atol + rtol·|want|, or null. */
export function mismatch(got: ArrayLike<number>, want: ArrayLike<number>, atol: number, rtol: number): string | null {
  for (let i = 0; i < want.length; i++) {
    const g = got[i];
    const w = want[i];
    if (!(Math.abs(g - w) <= atol + rtol * Math.abs(w))) return `value ${i}: got ${g}, expected ${w}`;
  }
  return null;
}
