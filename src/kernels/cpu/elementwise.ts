// CPU twins of the elementwise and reduction families: activations, loss, reduce and optim
// (shaders/activations.wgsl, loss.wgsl, reduce.wgsl, optim.wgsl). Each covers the invocations
// its grid launches and stops where the shader's bounds check would.

import { bound, constant, flatCount, type FamilyTwins } from '../../gpu/cpu/twin';
import { exp, isFiniteF32, sigmoid, sigmoidGrad, silu, siluGrad, softplus, softplusGrad, tanh, tanhGrad } from './math';

const FORWARD: ReadonlyArray<(x: number) => number> = [sigmoid, tanh, softplus, silu, exp];
const DERIVATIVE: ReadonlyArray<(x: number) => number> = [sigmoidGrad, tanhGrad, softplusGrad, siluGrad, exp];

export const ACTIVATION_TWINS: FamilyTwins = {
  forward: (k) => {
    const f = FORWARD[Math.min(constant(k, 'OP', 0), 4)];
    return (b, groups) => {
      const src = bound(b, 0, 'activations.src').f32;
      const dst = bound(b, 2, 'activations.dst').f32;
      const n = Math.min(bound(b, 3, 'activations.params').u32[0], flatCount(groups, 256));
      for (let i = 0; i < n; i++) dst[i] = f(src[i]);
    };
  },
  backward: (k) => {
    const d = DERIVATIVE[Math.min(constant(k, 'OP', 0), 4)];
    const accumulate = constant(k, 'ACCUMULATE', 0) !== 0;
    return (b, groups) => {
      const src = bound(b, 0, 'activations.src').f32;
      const up = bound(b, 1, 'activations.upstream').f32;
      const dst = bound(b, 2, 'activations.dst').f32;
      const n = Math.min(bound(b, 3, 'activations.params').u32[0], flatCount(groups, 256));
      if (accumulate) for (let i = 0; i < n; i++) dst[i] += up[i] * d(src[i]);
      else for (let i = 0; i < n; i++) dst[i] = up[i] * d(src[i]);
    };
  },
};

export const LOSS_TWINS: FamilyTwins = {
  mse: () => (b, groups) => {
    const pred = bound(b, 0, 'mse.pred').f32;
    const labels = bound(b, 1, 'mse.labels').f32;
    const grad = bound(b, 2, 'mse.grad').f32;
    const terms = bound(b, 3, 'mse.terms').f32;
    const p = bound(b, 4, 'mse.params');
    const n = Math.min(p.u32[0], flatCount(groups, 256));
    const inv = p.f32[2];
    for (let i = 0; i < n; i++) {
      const d = pred[i] - labels[i];
      grad[i] = 2 * d * inv;
      terms[i] = d * d * inv;
    }
  },
  crossEntropy: () => (b, groups) => {
    const pred = bound(b, 0, 'crossEntropy.pred').f32;
    const labels = bound(b, 1, 'crossEntropy.labels').f32;
    const grad = bound(b, 2, 'crossEntropy.grad').f32;
    const terms = bound(b, 3, 'crossEntropy.terms').f32;
    const p = bound(b, 4, 'crossEntropy.params');
    const rows = Math.min(p.u32[0], flatCount(groups, 64));
    const classes = p.u32[1];
    const inv = p.f32[2];
    for (let r = 0; r < rows; r++) {
      const base = r * classes;
      const y = Math.round(labels[r]); // WGSL round: half to even; labels are whole numbers
      if (y < 0) {
        grad.fill(0, base, base + classes);
        terms[r] = 0;
        continue;
      }
      let m = pred[base];
      for (let c = 1; c < classes; c++) m = Math.max(m, pred[base + c]);
      let s = 0;
      for (let c = 0; c < classes; c++) s += Math.exp(pred[base + c] - m);
      const lse = m + Math.log(s);
      for (let c = 0; c < classes; c++) {
        const q = Math.exp(pred[base + c] - lse);
        grad[base + c] = (c === y ? q - 1 : q) * inv;
      }
      terms[r] = (lse - pred[base + y]) * inv;
    }
  },
};

export const REDUCE_TWINS: FamilyTwins = {
  segmentReduce: (k) => {
    const squares = constant(k, 'OP', 0) === 1;
    const accumulate = constant(k, 'ACCUMULATE', 0) !== 0;
    return (b, groups) => {
      const data = bound(b, 0, 'segmentReduce.data').f32;
      const segments = bound(b, 1, 'segmentReduce.segments').u32;
      const out = bound(b, 2, 'segmentReduce.out').f32;
      // arrayLength(&segments): the binding's size in (offset, length) pairs.
      const count = Math.min(segments.length >> 1, groups[0] * groups[1]);
      for (let s = 0; s < count; s++) {
        const from = segments[2 * s];
        const to = from + segments[2 * s + 1];
        let acc = 0;
        if (squares) for (let i = from; i < to; i++) acc += data[i] * data[i];
        else for (let i = from; i < to; i++) acc += data[i];
        out[s] = accumulate ? out[s] + acc : acc;
      }
    };
  },
};

export const OPTIM_TWINS: FamilyTwins = {
  clipScale: () => (b) => {
    const sumsq = bound(b, 0, 'clipScale.sumsq').f32;
    const stats = bound(b, 1, 'clipScale.stats').f32;
    const p = bound(b, 2, 'clipScale.params');
    let total = 0;
    for (let i = 0; i < p.u32[0]; i++) total += sumsq[i];
    const norm = Math.sqrt(Math.fround(total));
    const maxNorm = p.f32[1];
    stats[0] = maxNorm > 0 ? Math.min(1, maxNorm / (norm + 1e-6)) : 1;
    stats[1] = norm;
    stats[2] = isFiniteF32(norm) ? 0 : 1;
  },
  adam: () => (b, groups) => {
    const param = bound(b, 0, 'adam.param').f32;
    const grad = bound(b, 1, 'adam.grad').f32;
    const m1 = bound(b, 2, 'adam.exp_avg').f32;
    const m2 = bound(b, 3, 'adam.exp_avg_sq').f32;
    const scale = bound(b, 4, 'adam.scale').f32;
    const p = bound(b, 5, 'adam.params');
    if (scale[2] !== 0) return;
    const n = Math.min(p.u32[0], flatCount(groups, 256));
    const f = p.f32;
    const lr = f[1], omb1 = f[2], beta2 = f[3], omb2 = f[4], eps = f[5], wd = f[6], bc1 = f[7], bc2s = f[8];
    const s = scale[0];
    const step = lr / bc1;
    for (let i = 0; i < n; i++) {
      let g = grad[i] * s;
      const w = param[i];
      if (wd !== 0) g += wd * w;
      const m = m1[i] + (g - m1[i]) * omb1;
      const v = beta2 * m2[i] + omb2 * g * g;
      m1[i] = m;
      m2[i] = v;
      param[i] = w - (step * m) / (Math.sqrt(v) / bc2s + eps);
    }
  },
  sgd: () => (b, groups) => {
    const param = bound(b, 0, 'sgd.param').f32;
    const grad = bound(b, 1, 'sgd.grad').f32;
    const buf = bound(b, 2, 'sgd.momentum_buffer').f32;
    const scale = bound(b, 3, 'sgd.scale').f32;
    const p = bound(b, 4, 'sgd.params');
    if (scale[2] !== 0) return;
    const n = Math.min(p.u32[0], flatCount(groups, 256));
    const lr = p.f32[1], momentum = p.f32[2], omd = p.f32[3], wd = p.f32[4];
    const nesterov = p.u32[5] !== 0, first = p.u32[6] !== 0;
    const s = scale[0];
    for (let i = 0; i < n; i++) {
      const w = param[i];
      let g = grad[i] * s;
      if (wd !== 0) g += wd * w;
      let step = g;
      if (momentum !== 0) {
        const m = first ? g : momentum * buf[i] + omd * g;
        buf[i] = m;
        step = nesterov ? g + momentum * m : m;
      }
      param[i] = w - lr * step;
    }
  },
};
