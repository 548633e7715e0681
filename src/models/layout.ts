// Layout conversion between
// PyTorch's batch-first tensors and the engine's time-major ones (the trainer, tests, check:torch).

/** (B, T, F) batch-first → (T, B, F) time-major. */
export function batchToTime(x: ArrayLike<number>, B: number, T: number, F: number): Float32Array {
  if (x.length !== B * T * F) throw new Error(`expected ${B}x${T}x${F} = ${B * T * F} values, got ${x.length}`);
  const out = new Float32Array(B * T * F);
  for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) for (let f = 0; f < F; f++) out[(t * B + b) * F + f] = x[(b * T + t) * F + f];
  return out;
}

/** (T, B, F) time-major → (B, T, F) batch-first. */
export function timeToBatch(x: ArrayLike<number>, B: number, T: number, F: number): Float32Array {
  const out = new Float32Array(B * T * F);
  for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) for (let f = 0; f < F; f++) out[(b * T + t) * F + f] = x[(t * B + b) * F + f];
  return out;
}
