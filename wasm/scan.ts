// AssemblyScript source of the CPU backend's selective scan (Mamba-1), built with ./gemm.ts by
// scripts/build-wasm.mjs; the host side is src/kernels/cpu/scanSimd.ts. The glossary of
// shaders/scan.wgsl: per channel d and state n, a_t = exp(Δ_t·A[d,n]), h_t = a_t·h_{t-1} + Δ_t·B_t·u_t,
// and the pre-gate output Σ_n C_t·h_t. Four states to a vector, so the state count is padded to a
// multiple of 4 (NP) by the host, with A, B, C and h zero there (a = 1 and h stays 0: no effect).
//
// Layouts (f32, byte addresses): per channel d of the block, dt and u (E × L: Δ and u of each
// step), A and h (E × NP); per step t, B and C (L × NP, shared by every channel of the batch row).

/** exp of four floats: Cephes' expf (range reduction by ln 2, a degree-6 polynomial, 2^k from its bits); below -87.3, 0. */
@inline function exp4(x: v128): v128 {
  const under = f32x4.lt(x, f32x4.splat(-87.3));
  let v = f32x4.min(x, f32x4.splat(88.3));
  v = f32x4.max(v, f32x4.splat(-87.3));
  const k = f32x4.floor(f32x4.add(f32x4.mul(v, f32x4.splat(1.44269504)), f32x4.splat(0.5)));
  v = f32x4.sub(v, f32x4.mul(k, f32x4.splat(0.693359375)));
  v = f32x4.sub(v, f32x4.mul(k, f32x4.splat(-2.12194440e-4)));
  let y = f32x4.splat(1.9875691500e-4);
  y = f32x4.add(f32x4.mul(y, v), f32x4.splat(1.3981999507e-3));
  y = f32x4.add(f32x4.mul(y, v), f32x4.splat(8.3334519073e-3));
  y = f32x4.add(f32x4.mul(y, v), f32x4.splat(4.1665795894e-2));
  y = f32x4.add(f32x4.mul(y, v), f32x4.splat(1.6666665459e-1));
  y = f32x4.add(f32x4.mul(y, v), f32x4.splat(5.0000001201e-1));
  y = f32x4.add(f32x4.add(f32x4.mul(f32x4.mul(y, v), v), v), f32x4.splat(1));
  const pow2 = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(k), i32x4.splat(127)), 23);
  return v128.andnot(f32x4.mul(y, pow2), under);
}

/** Exported for the tests: out[i] = exp(x[i]) for i < n (n a multiple of 4). */
export function expBlock(x: usize, out: usize, n: i32): void {
  for (let i = 0; i < n; i += 4) v128.store(out + (<usize>i << 2), exp4(v128.load(x + (<usize>i << 2))));
}

@inline function hsum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
}

/**
 * The recurrence over L steps for E channels: h (E × NP) holds each channel's start state and is
 * left holding its end state; out (E × L) gets Σ_n C_t·h_t.
 */
export function scanForward(dt: usize, u: usize, A: usize, B: usize, C: usize, h: usize, out: usize, E: i32, L: i32, NP: i32): void {
  const rowBytes = <usize>NP << 2;
  for (let d = 0; d < E; d++) {
    const seq = <usize>(d * L) << 2;
    const aRow = A + <usize>d * rowBytes;
    const hRow = h + <usize>d * rowBytes;
    for (let t = 0; t < L; t++) {
      const at = seq + (<usize>t << 2);
      const step = load<f32>(dt + at);
      const dtV = f32x4.splat(step);
      const duV = f32x4.splat(step * load<f32>(u + at));
      const bRow = B + <usize>t * rowBytes;
      const cRow = C + <usize>t * rowBytes;
      let acc = f32x4.splat(0);
      for (let o: usize = 0; o < rowBytes; o += 16) {
        const a = exp4(f32x4.mul(dtV, v128.load(aRow + o)));
        const hv = f32x4.add(f32x4.mul(a, v128.load(hRow + o)), f32x4.mul(duV, v128.load(bRow + o)));
        v128.store(hRow + o, hv);
        acc = f32x4.add(acc, f32x4.mul(v128.load(cRow + o), hv));
      }
      store<f32>(out + at, hsum(acc));
    }
  }
}

/**
 * The backward pass of the same block, with g_t = ∂loss/∂h_t = dout_t·C_t + a_{t+1}·g_{t+1}: from
 * each channel's start state (h, E × NP) it walks forward keeping a_t and h_{t-1} (scratch: two
 * L × NP arrays, the last channel's left there), then back from r (E × NP: what later steps hand
 * to the last one). It adds into dB and dC (L × NP, summed over the channels) and dA (E × NP), and
 * writes du (E × L: Σ_n g·B, times Δ) and ddt (E × L: Σ_n g·(h_{t-1}·a·A + B·u), before dΔ/d(delta)).
 */
export function scanBackward(
  dt: usize, u: usize, A: usize, B: usize, C: usize, dout: usize, h: usize, r: usize,
  dB: usize, dC: usize, dA: usize, du: usize, ddt: usize, keptA: usize, keptH: usize,
  E: i32, L: i32, NP: i32,
): void {
  const rowBytes = <usize>NP << 2;
  for (let d = 0; d < E; d++) {
    const seq = <usize>(d * L) << 2;
    const aRow = A + <usize>d * rowBytes;
    const hRow = h + <usize>d * rowBytes;
    const rRow = r + <usize>d * rowBytes;
    const dARow = dA + <usize>d * rowBytes;
    for (let t = 0; t < L; t++) {
      const at = seq + (<usize>t << 2);
      const step = load<f32>(dt + at);
      const dtV = f32x4.splat(step);
      const duV = f32x4.splat(step * load<f32>(u + at));
      const bRow = B + <usize>t * rowBytes;
      const kRow = <usize>t * rowBytes;
      for (let o: usize = 0; o < rowBytes; o += 16) {
        const a = exp4(f32x4.mul(dtV, v128.load(aRow + o)));
        const hp = v128.load(hRow + o);
        v128.store(keptA + kRow + o, a);
        v128.store(keptH + kRow + o, hp);
        v128.store(hRow + o, f32x4.add(f32x4.mul(a, hp), f32x4.mul(duV, v128.load(bRow + o))));
      }
    }
    for (let t = L - 1; t >= 0; t--) {
      const at = seq + (<usize>t << 2);
      const step = load<f32>(dt + at);
      const ut = load<f32>(u + at);
      const dtV = f32x4.splat(step);
      const uV = f32x4.splat(ut);
      const duV = f32x4.splat(step * ut);
      const doutV = f32x4.splat(load<f32>(dout + at));
      const bRow = B + <usize>t * rowBytes;
      const cRow = C + <usize>t * rowBytes;
      const kRow = <usize>t * rowBytes;
      let accU = f32x4.splat(0);
      let accT = f32x4.splat(0);
      for (let o: usize = 0; o < rowBytes; o += 16) {
        const a = v128.load(keptA + kRow + o);
        const hp = v128.load(keptH + kRow + o);
        const bv = v128.load(bRow + o);
        const g = f32x4.add(f32x4.mul(doutV, v128.load(cRow + o)), v128.load(rRow + o));
        const hpa = f32x4.mul(hp, a);
        v128.store(dB + kRow + o, f32x4.add(v128.load(dB + kRow + o), f32x4.mul(g, duV)));
        v128.store(dC + kRow + o, f32x4.add(v128.load(dC + kRow + o), f32x4.mul(doutV, f32x4.add(hpa, f32x4.mul(duV, bv)))));
        accU = f32x4.add(accU, f32x4.mul(g, bv));
        accT = f32x4.add(accT, f32x4.mul(g, f32x4.add(f32x4.mul(hpa, v128.load(aRow + o)), f32x4.mul(bv, uV))));
        v128.store(dARow + o, f32x4.add(v128.load(dARow + o), f32x4.mul(g, f32x4.mul(hpa, dtV))));
        v128.store(rRow + o, f32x4.mul(a, g));
      }
      store<f32>(du + at, hsum(accU) * step);
      store<f32>(ddt + at, hsum(accT));
    }
  }
}
