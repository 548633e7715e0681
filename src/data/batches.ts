// One batch of samples from a prepared set, as Float32Arrays shaped [batch, seqLen, features]
// (batch-first, row-major): values, or one-hot tokens and classes with their ids beside them.

import type { SampleSet } from './prep';

export interface Batch {
  size: number;
  seqLen: number;
  inputSize: number;
  targetLen: number;
  targetSize: number;
  /** [size, seqLen, inputSize]: values, or one-hot tokens (ids as floats with oneHot: false). */
  x: Float32Array;
  /** [size, targetLen, targetSize]: values, or one-hot classes (ids as floats with oneHot: false). */
  y: Float32Array;
  /** Token inputs as ids: [size, seqLen]; null for real-valued inputs. */
  xIds: Int32Array | null;
  /** Class targets as ids: [size, targetLen]; null for real-valued targets. */
  yIds: Int32Array | null;
  /** [size, targetLen]: 1 where the loss counts; null = everywhere. */
  mask: Float32Array | null;
  /** Which samples of the set, in batch order. */
  indices: Int32Array;
}

/** Builds one batch from the given samples of a set. */
export function makeBatch(set: SampleSet, samples: ArrayLike<number>, oneHot = true): Batch {
  const B = samples.length;
  const L = set.seqLen;
  const T = set.targetLen;
  const indices = Int32Array.from(samples);
  for (const s of indices) {
    if (s < 0 || s >= set.count) throw new RangeError(`sample ${s} outside 0..${set.count - 1}`);
  }

  if (set.kind === 'windows') {
    const F = set.inputSize;
    const G = set.targetSize;
    const x = new Float32Array(B * L * F);
    const y = new Float32Array(B * T * G);
    const { data, cols, inputCols, targetCols, targetOffset } = set;
    for (let b = 0; b < B; b++) {
      const start = set.starts[indices[b]];
      for (let t = 0; t < L; t++) {
        const row = (start + t) * cols;
        const o = (b * L + t) * F;
        for (let f = 0; f < F; f++) x[o + f] = data[row + inputCols[f]];
      }
      for (let t = 0; t < T; t++) {
        const row = (start + targetOffset + t) * cols;
        const o = (b * T + t) * G;
        for (let g = 0; g < G; g++) y[o + g] = data[row + targetCols[g]];
      }
    }
    return { size: B, seqLen: L, inputSize: F, targetLen: T, targetSize: G, x, y, xIds: null, yIds: null, mask: null, indices };
  }

  if (set.kind === 'token-windows') {
    const V = set.inputSize;
    const xIds = new Int32Array(B * L);
    const yIds = new Int32Array(B * L);
    for (let b = 0; b < B; b++) {
      const start = set.starts[indices[b]];
      for (let t = 0; t < L; t++) {
        xIds[b * L + t] = set.ids[start + t];
        yIds[b * L + t] = set.ids[start + t + 1];
      }
    }
    const F = oneHot ? V : 1;
    return {
      size: B,
      seqLen: L,
      inputSize: F,
      targetLen: L,
      targetSize: F,
      x: oneHot ? oneHotOf(xIds, V) : Float32Array.from(xIds),
      y: oneHot ? oneHotOf(yIds, V) : Float32Array.from(yIds),
      xIds,
      yIds,
      mask: null,
      indices,
    };
  }

  // dense
  const src = set.source;
  const F = src.inputSize;
  const x = new Float32Array(B * L * F);
  for (let b = 0; b < B; b++) {
    const i = set.indices[indices[b]];
    x.set(src.inputs.subarray(i * L * F, (i + 1) * L * F), b * L * F);
  }
  let mask: Float32Array | null = null;
  if (src.mask) {
    mask = new Float32Array(B * T);
    for (let b = 0; b < B; b++) {
      const i = set.indices[indices[b]];
      mask.set(src.mask.subarray(i * T, (i + 1) * T), b * T);
    }
  }
  if (src.target.kind === 'real') {
    const G = src.target.size;
    const y = new Float32Array(B * T * G);
    for (let b = 0; b < B; b++) {
      const i = set.indices[indices[b]];
      y.set(src.target.values.subarray(i * T * G, (i + 1) * T * G), b * T * G);
    }
    return { size: B, seqLen: L, inputSize: F, targetLen: T, targetSize: G, x, y, xIds: null, yIds: null, mask, indices };
  }
  const C = src.target.classNames.length;
  const yIds = new Int32Array(B * T);
  for (let b = 0; b < B; b++) {
    const i = set.indices[indices[b]];
    yIds.set(src.target.ids.subarray(i * T, (i + 1) * T), b * T);
  }
  return {
    size: B,
    seqLen: L,
    inputSize: F,
    targetLen: T,
    targetSize: oneHot ? C : 1,
    x,
    y: oneHot ? oneHotOf(yIds, C) : Float32Array.from(yIds),
    xIds: null,
    yIds,
    mask,
    indices,
  };
}

function oneHotOf(ids: Int32Array, size: number): Float32Array {
  const out = new Float32Array(ids.length * size);
  for (let i = 0; i < ids.length; i++) out[i * size + ids[i]] = 1;
  return out;
}
