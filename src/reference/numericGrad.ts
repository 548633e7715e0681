// The gradient check the float64 references are held to: central differences, for tests.

/** ∂f/∂target[i] for every i by central differences, perturbing `target` in place (f reads it as it is when called). */
export function numericGrad(target: Float64Array, f: () => number, eps = 1e-6): Float64Array {
  const out = new Float64Array(target.length);
  for (let i = 0; i < target.length; i++) {
    const keep = target[i];
    target[i] = keep + eps;
    const plus = f();
    target[i] = keep - eps;
    const minus = f();
    target[i] = keep;
    out[i] = (plus - minus) / (2 * eps);
  }
  return out;
}
