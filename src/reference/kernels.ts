// Float64 CPU references of every kernel in shaders/, written as plain loops. They are the tests'
// truth; keep them obvious rather than fast.

export type Vec = Float64Array;

/** C[M,N] (+)= op(A)·op(B); A is [M,K] or (transA) [K,M]; B is [K,N] or (transB) [N,K]. */
export function matmul(
  A: ArrayLike<number>,
  B: ArrayLike<number>,
  M: number,
  N: number,
  K: number,
  opts: { transA?: boolean; transB?: boolean; C?: ArrayLike<number> } = {},
): Vec {
  const C = new Float64Array(M * N);
  for (let m = 0; m < M; m++) {
    for (let n = 0; n < N; n++) {
      let s = opts.C ? opts.C[m * N + n] : 0;
      for (let k = 0; k < K; k++) {
        const a = opts.transA ? A[k * M + m] : A[m * K + k];
        const b = opts.transB ? B[n * K + k] : B[k * N + n];
        s += a * b;
      }
      C[m * N + n] = s;
    }
  }
  return C;
}

export function biasAdd(Y: ArrayLike<number>, bias: ArrayLike<number>, rows: number, cols: number): Vec {
  const out = Float64Array.from(Y);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[r * cols + c] += bias[c];
  return out;
}

export function biasGrad(dY: ArrayLike<number>, rows: number, cols: number): Vec {
  const out = new Float64Array(cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c] += dY[r * cols + c];
  return out;
}

export function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

export function softplus(x: number): number {
  // PyTorch: x above threshold 20, else log(1 + e^x).
  return x > 20 ? x : Math.log1p(Math.exp(x));
}

export function silu(x: number): number {
  return x * sigmoid(x);
}

export const activation = {
  sigmoid,
  tanh: Math.tanh,
  softplus,
  silu,
  exp: Math.exp,
} as const;

export const activationGrad = {
  sigmoid: (x: number) => sigmoid(x) * (1 - sigmoid(x)),
  tanh: (x: number) => 1 - Math.tanh(x) ** 2,
  softplus: (x: number) => (x > 20 ? 1 : sigmoid(x)),
  silu: (x: number) => {
    const s = sigmoid(x);
    return s * (1 + x * (1 - s));
  },
  exp: Math.exp,
} as const;

export function sum(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i];
  return s;
}

export function sumOfSquares(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * x[i];
  return s;
}

/** torch.nn.utils.clip_grad_norm_: the factor the gradients are multiplied by, and the norm. */
export function clipFactor(gradients: ReadonlyArray<ArrayLike<number>>, maxNorm: number): { scale: number; norm: number } {
  const norm = Math.sqrt(gradients.reduce((s, g) => s + sumOfSquares(g), 0));
  const scale = maxNorm > 0 ? Math.min(1, maxNorm / (norm + 1e-6)) : 1;
  return { scale, norm };
}

export interface AdamState {
  m: Float64Array;
  v: Float64Array;
  step: number;
}

export function adamInit(n: number): AdamState {
  return { m: new Float64Array(n), v: new Float64Array(n), step: 0 };
}

/** One torch.optim.Adam step (weight decay as L2, not AdamW), in place on p and state. */
export function adamStep(
  p: Float64Array,
  grad: ArrayLike<number>,
  state: AdamState,
  h: { lr: number; beta1: number; beta2: number; eps: number; weightDecay?: number },
  scale = 1,
): void {
  state.step += 1;
  const bc1 = 1 - h.beta1 ** state.step;
  const bc2 = 1 - h.beta2 ** state.step;
  for (let i = 0; i < p.length; i++) {
    let g = grad[i] * scale;
    if (h.weightDecay) g += h.weightDecay * p[i];
    state.m[i] = state.m[i] + (g - state.m[i]) * (1 - h.beta1);
    state.v[i] = h.beta2 * state.v[i] + (1 - h.beta2) * g * g;
    const denom = Math.sqrt(state.v[i]) / Math.sqrt(bc2) + h.eps;
    p[i] -= (h.lr / bc1) * (state.m[i] / denom);
  }
}

export interface SgdState {
  buf: Float64Array;
  step: number;
}

/** One torch.optim.SGD step with momentum, dampening, nesterov and L2 weight decay. */
export function sgdStep(
  p: Float64Array,
  grad: ArrayLike<number>,
  state: SgdState,
  h: { lr: number; momentum: number; dampening: number; weightDecay: number; nesterov: boolean },
  scale = 1,
): void {
  state.step += 1;
  for (let i = 0; i < p.length; i++) {
    let g = grad[i] * scale;
    if (h.weightDecay) g += h.weightDecay * p[i];
    let d = g;
    if (h.momentum !== 0) {
      const buf = state.step === 1 ? g : h.momentum * state.buf[i] + (1 - h.dampening) * g;
      state.buf[i] = buf;
      d = h.nesterov ? g + h.momentum * buf : buf;
    }
    p[i] -= h.lr * d;
  }
}
