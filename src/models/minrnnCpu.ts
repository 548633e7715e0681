// CPU twins of shaders/minrnn.wgsl (minGRU and minLSTM's elementwise gates, forward and backward),
// for the CPU backend. Glossary in the shader and src/reference/minrnn.ts.

import { bound, constant, flatCount, type Bindings, type FamilyTwins } from '../gpu/cpu/twin';
import { sigmoid, sigmoidGrad, softplus } from '../kernels/cpu/math';

function candidate(identity: boolean, v: number): number {
  if (identity) return v;
  return v >= 0 ? v + 0.5 : sigmoid(v);
}

function candidateGrad(identity: boolean, v: number): number {
  return identity || v >= 0 ? 1 : sigmoidGrad(v);
}

/** a = f/(f+i) from the pre-activations, as σ(softplus(-k_i) - softplus(-k_f)). */
function forgetShare(kf: number, ki: number): number {
  return sigmoid(softplus(-ki) - softplus(-kf));
}

function shape(b: Bindings) {
  const p = bound(b, 0, 'minrnn.params').u32;
  return { T: p[0], B: p[1], H: p[2] };
}

export const MINRNN_TWINS: FamilyTwins = {
  gatesForward: (k) => {
    const lstm = constant(k, 'CELL', 0) === 1;
    const identity = constant(k, 'CANDIDATE', 0) === 1;
    const G = lstm ? 3 : 2;
    return (b, groups) => {
      const pre = bound(b, 1, 'minrnn.pre').f32;
      const coefA = bound(b, 2, 'minrnn.coef_a').f32;
      const coefB = bound(b, 3, 'minrnn.coef_b').f32;
      const gates = bound(b, 4, 'minrnn.gates').f32;
      const { T, B, H } = shape(b);
      const count = Math.min(T * B * H, flatCount(groups, 64));
      for (let row = 0; row * H < count; row++) {
        const base = row * G * H;
        const units = Math.min(H, count - row * H);
        for (let j = 0; j < units; j++) {
          const n = row * H + j;
          const c = candidate(identity, pre[base + (G - 1) * H + j]);
          const g0 = pre[base + j];
          if (!lstm) {
            const z = Math.fround(sigmoid(g0));
            coefA[n] = 1 - z;
            coefB[n] = z * c;
            gates[n] = z;
          } else {
            const g1 = pre[base + H + j];
            const a = Math.fround(forgetShare(g0, g1));
            coefA[n] = a;
            coefB[n] = (1 - a) * c;
            gates[row * 2 * H + j] = sigmoid(g0);
            gates[row * 2 * H + H + j] = sigmoid(g1);
          }
        }
      }
    };
  },
  gatesBackward: (k) => {
    const lstm = constant(k, 'CELL', 0) === 1;
    const identity = constant(k, 'CANDIDATE', 0) === 1;
    const G = lstm ? 3 : 2;
    return (b, groups) => {
      const pre = bound(b, 1, 'minrnn.pre').f32;
      const gradH = bound(b, 5, 'minrnn.grad_h').f32;
      const states = bound(b, 6, 'minrnn.states').f32;
      const hInit = bound(b, 7, 'minrnn.h_init').f32;
      const dPre = bound(b, 8, 'minrnn.d_pre').f32;
      const dInit = bound(b, 9, 'minrnn.d_init').f32;
      const { T, B, H } = shape(b);
      const count = Math.min(T * B * H, flatCount(groups, 64));
      for (let row = 0; row * H < count; row++) {
        const t = Math.floor(row / B);
        const bb = row - t * B;
        const base = row * G * H;
        const units = Math.min(H, count - row * H);
        for (let j = 0; j < units; j++) {
          const n = row * H + j;
          const hPrev = t > 0 ? states[n - B * H] : hInit[bb * H + j];
          const g = gradH[n];
          const kh = pre[base + (G - 1) * H + j];
          const c = candidate(identity, kh);
          const g0 = pre[base + j];
          let a: number;
          if (!lstm) {
            const z = sigmoid(g0);
            a = 1 - z;
            dPre[base + j] = g * (c - hPrev) * z * (1 - z);
            dPre[base + H + j] = g * z * candidateGrad(identity, kh);
          } else {
            const g1 = pre[base + H + j];
            a = forgetShare(g0, g1);
            const da = g * (hPrev - c) * a * (1 - a);
            dPre[base + j] = da * (1 - sigmoid(g0));
            dPre[base + H + j] = -da * (1 - sigmoid(g1));
            dPre[base + 2 * H + j] = g * (1 - a) * candidateGrad(identity, kh);
          }
          if (t === 0) dInit[bb * H + j] = a * g;
        }
      }
    };
  },
};
