// For tests: a random case of the selective scan in the float64 reference's layout (the fixtures'
// layout), every value a float32 so the GPU reads what the reference computes with.

import { toF32Values, type Random } from '../data/random';
import type { ScanInputs, ScanSizes } from './mamba';

/** The scan's inputs, and the cotangents of y and of the last state. */
export interface ScanCase {
  x: { [K in keyof ScanInputs]: Float64Array };
  dy: Float64Array; //    [batch, dInner, L]
  dLast: Float64Array; // [batch, dInner, dState]
}

/** `delta` (Δ before its bias, and softplus when the scan has one) is drawn from `deltaRange`. */
export function randomScanCase(rng: Random, s: Omit<ScanSizes, 'deltaSoftplus'>, deltaRange: [number, number] = [-2, 1]): ScanCase {
  const { batch, dInner: E, dState: N, seqLen: L } = s;
  const f = (n: number, lo: number, hi: number) => toF32Values(rng.uniformArray(n, lo, hi));
  const x = {
    u: f(batch * E * L, -1, 1),
    delta: f(batch * E * L, deltaRange[0], deltaRange[1]),
    A: f(E * N, -2, -0.1),
    B: f(batch * N * L, -1, 1),
    C: f(batch * N * L, -1, 1),
    D: f(E, -1, 1),
    z: f(batch * E * L, -3, 3),
    deltaBias: f(E, -0.5, 0.5),
  };
  return { x, dy: f(batch * E * L, -1, 1), dLast: f(batch * E * N, -1, 1) };
}
