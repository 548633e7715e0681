// CPU twins of the Mamba block's pieces around the scan: RMSNorm (shaders/norm.wgsl), the causal
// depthwise conv1d (shaders/conv1d.wgsl) and the elementwise glue (shaders/mamba.wgsl).

import { bound, constant, flatCount, type Bindings, type FamilyTwins } from '../../gpu/cpu/twin';
import { softplus } from './math';

function normParams(b: Bindings) {
  const p = bound(b, 5, 'norm.params');
  return { rows: p.u32[0], width: p.u32[1], eps: p.f32[2] };
}

export const NORM_TWINS: FamilyTwins = {
  forward: () => (b, groups) => {
    const x = bound(b, 0, 'norm.x').f32;
    const w = bound(b, 1, 'norm.weight').f32;
    const rstd = bound(b, 3, 'norm.rstd').f32;
    const out = bound(b, 4, 'norm.out').f32;
    const { rows, width, eps } = normParams(b);
    const n = Math.min(rows, flatCount(groups, 64));
    for (let r = 0; r < n; r++) {
      const base = r * width;
      let ss = 0;
      for (let j = 0; j < width; j++) ss += x[base + j] * x[base + j];
      const s = Math.fround(1 / Math.sqrt(ss / width + eps));
      rstd[r] = s;
      for (let j = 0; j < width; j++) out[base + j] = x[base + j] * s * w[j];
    }
  },
  backwardX: (k) => {
    const accumulate = constant(k, 'ACCUMULATE', 0) !== 0;
    return (b, groups) => {
      const x = bound(b, 0, 'norm.x').f32;
      const w = bound(b, 1, 'norm.weight').f32;
      const dy = bound(b, 2, 'norm.dy').f32;
      const rstd = bound(b, 3, 'norm.rstd').f32;
      const out = bound(b, 4, 'norm.out').f32;
      const { rows, width } = normParams(b);
      const n = Math.min(rows, flatCount(groups, 64));
      for (let r = 0; r < n; r++) {
        const base = r * width;
        const s = rstd[r];
        let dot = 0;
        for (let j = 0; j < width; j++) dot += dy[base + j] * w[j] * x[base + j] * s;
        const m = dot / width;
        for (let j = 0; j < width; j++) {
          const g = s * (dy[base + j] * w[j] - x[base + j] * s * m);
          out[base + j] = accumulate ? out[base + j] + g : g;
        }
      }
    };
  },
  weightGrad: () => (b, groups) => {
    const x = bound(b, 0, 'norm.x').f32;
    const dy = bound(b, 2, 'norm.dy').f32;
    const rstd = bound(b, 3, 'norm.rstd').f32;
    const out = bound(b, 4, 'norm.out').f32;
    const { rows, width } = normParams(b);
    const cols = Math.min(width, groups[0] * groups[1]);
    const acc = new Float64Array(cols);
    for (let r = 0; r < rows; r++) {
      const base = r * width;
      const s = rstd[r];
      for (let j = 0; j < cols; j++) acc[j] += dy[base + j] * x[base + j] * s;
    }
    for (let j = 0; j < cols; j++) out[j] = acc[j];
  },
};

function convParams(b: Bindings) {
  const p = bound(b, 5, 'conv1d.params').u32;
  return { T: p[0], B: p[1], C: p[2], K: p[3], xo: p[4], xs: p[5], yo: p[6], ys: p[7] };
}

/** forward and forwardHistory: taps before t = 0 read zeros, or the history rows. */
function convForward(withHistory: boolean) {
  return () => (b: Bindings, groups: readonly [number, number, number]) => {
    const xs = bound(b, 0, 'conv1d.x').f32;
    const w = bound(b, 2, 'conv1d.weight').f32;
    const bias = bound(b, 3, 'conv1d.bias').f32;
    const out = bound(b, 4, 'conv1d.out').f32;
    const hist = withHistory ? bound(b, 6, 'conv1d.history').f32 : null;
    const { T, B, C, K, xo, xs: xstr, yo, ys } = convParams(b);
    const n = Math.min(T * B * C, flatCount(groups, 64));
    for (let row = 0; row * C < n; row++) {
      const t = Math.floor(row / B);
      const bb = row - t * B;
      const cn = Math.min(C, n - row * C);
      for (let c = 0; c < cn; c++) {
        let acc = bias[c];
        for (let k = 0; k < K; k++) {
          const s = t + k + 1 - K; // source step
          if (s >= 0) acc += w[c * K + k] * xs[xo + (s * B + bb) * xstr + c];
          else if (hist) acc += w[c * K + k] * hist[xo + ((t + k) * B + bb) * xstr + c];
        }
        out[yo + (t * B + bb) * ys + c] = acc;
      }
    }
  };
}

export const CONV1D_TWINS: FamilyTwins = {
  forward: convForward(false),
  forwardHistory: convForward(true),
  backwardX: () => (b, groups) => {
    const dys = bound(b, 1, 'conv1d.dy').f32;
    const w = bound(b, 2, 'conv1d.weight').f32;
    const out = bound(b, 4, 'conv1d.out').f32;
    const { T, B, C, K, xo, xs, yo, ys } = convParams(b);
    const n = Math.min(T * B * C, flatCount(groups, 64));
    for (let row = 0; row * C < n; row++) {
      const t = Math.floor(row / B);
      const bb = row - t * B;
      const cn = Math.min(C, n - row * C);
      for (let c = 0; c < cn; c++) {
        let acc = 0;
        for (let k = 0; k < K; k++) {
          const s = t + K - 1 - k;
          if (s < T) acc += w[c * K + k] * dys[yo + (s * B + bb) * ys + c];
        }
        out[xo + (t * B + bb) * xs + c] = acc;
      }
    }
  },
  weightGrad: () => (b, groups) => {
    const xsArr = bound(b, 0, 'conv1d.x').f32;
    const dys = bound(b, 1, 'conv1d.dy').f32;
    const out = bound(b, 4, 'conv1d.out').f32;
    const { T, B, C, K, xo, xs, yo, ys } = convParams(b);
    const outputs = Math.min(C * K, groups[0] * groups[1]);
    const acc = new Float64Array(C * K);
    for (let t = 0; t < T; t++) {
      for (let bb = 0; bb < B; bb++) {
        const yRow = yo + (t * B + bb) * ys;
        for (let k = 0; k < K; k++) {
          const s = t + k + 1 - K;
          if (s < 0) continue;
          const xRow = xo + (s * B + bb) * xs;
          for (let c = 0; c < C; c++) acc[c * K + k] += dys[yRow + c] * xsArr[xRow + c];
        }
      }
    }
    for (let o = 0; o < outputs; o++) out[o] = acc[o];
  },
  biasGrad: () => (b, groups) => {
    const dys = bound(b, 1, 'conv1d.dy').f32;
    const out = bound(b, 4, 'conv1d.out').f32;
    const { T, B, C, yo, ys } = convParams(b);
    const channels = Math.min(C, groups[0] * groups[1]);
    const acc = new Float64Array(channels);
    for (let row = 0; row < T * B; row++) {
      const at = yo + row * ys;
      for (let c = 0; c < channels; c++) acc[c] += dys[at + c];
    }
    for (let c = 0; c < channels; c++) out[c] = acc[c];
  },
};

function glueParams(b: Bindings) {
  const p = bound(b, 3, 'mamba.params').u32;
  return { n: p[0], batch: p[1], channels: p[2], sample: p[3], biasOffset: p[4] };
}

export const MAMBA_GLUE_TWINS: FamilyTwins = {
  aFromLog: () => (b, groups) => {
    const src = bound(b, 0, 'mamba.src').f32;
    const dst = bound(b, 2, 'mamba.dst').f32;
    const n = Math.min(glueParams(b).n, flatCount(groups, 64));
    for (let i = 0; i < n; i++) dst[i] = -Math.exp(src[i]);
  },
  aLogGrad: () => (b, groups) => {
    const src = bound(b, 0, 'mamba.src').f32;
    const aux = bound(b, 1, 'mamba.aux').f32;
    const dst = bound(b, 2, 'mamba.dst').f32;
    const n = Math.min(glueParams(b).n, flatCount(groups, 64));
    for (let i = 0; i < n; i++) dst[i] = src[i] * aux[i];
  },
  deltaProbe: () => (b, groups) => {
    const src = bound(b, 0, 'mamba.src').f32;
    const aux = bound(b, 1, 'mamba.aux').f32;
    const dst = bound(b, 2, 'mamba.dst').f32;
    const p = glueParams(b);
    const n = Math.min(p.n, flatCount(groups, 64));
    for (let i = 0; i < n; i++) {
      const t = Math.floor(i / p.channels);
      const d = i - t * p.channels;
      dst[i] = softplus(src[(t * p.batch + p.sample) * p.channels + d] + aux[p.biasOffset + d]);
    }
  },
};
