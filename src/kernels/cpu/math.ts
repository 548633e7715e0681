// shaders/math.wgsl on the CPU: the same stable forms (exp only of non-positive arguments, except
// in exp itself), so extreme inputs give the same finite results as on the GPU.

export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

export function tanh(x: number): number {
  const e = Math.exp(-2 * Math.abs(x));
  return (Math.sign(x) * (1 - e)) / (1 + e);
}

export function softplus(x: number): number {
  if (x > 20) return x;
  return Math.max(x, 0) + Math.log(1 + Math.exp(-Math.abs(x)));
}

export function silu(x: number): number {
  return x * sigmoid(x);
}

export function sigmoidGrad(x: number): number {
  const s = sigmoid(x);
  return s * (1 - s);
}

export function tanhGrad(x: number): number {
  const t = tanh(x);
  return 1 - t * t;
}

export function softplusGrad(x: number): number {
  return x > 20 ? 1 : sigmoid(x);
}

export function siluGrad(x: number): number {
  const s = sigmoid(x);
  return s * (1 + x * (1 - s));
}

/** Bitwise finiteness of a float32 (NaN and ±inf), as optim.wgsl checks it. */
export function isFiniteF32(x: number): boolean {
  return Number.isFinite(Math.fround(x));
}

export const exp = Math.exp;
