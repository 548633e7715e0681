// The linear recurrence of shaders/scan.wgsl (forward and adjoint; sequential, and parallel with
// each combine the device has) against float64, at lengths of one step, one partial chunk and
// several chunks, and odd channel counts; and the step-by-step range BPTT's step-through walks.

import { describe, expect, it } from 'vitest';
import { Random, toF32Values } from '../data/random';
import { runOps, type StepOp } from '../gpu/dispatch';
import { useKernelContext } from './testing';
import { readTensor } from '../gpu/readback';
import { createTensor } from '../gpu/tensor';
import { relErr } from '../reference/compare';
import { linearRecurrence } from '../reference/minrnn';
import { linearScanOps, planLinearScan, type LinearScanOptions } from './linearScan';

const { gpu, ctx } = useKernelContext();

/** g_t = b_t + a_{t+1}·g_{t+1}, g_T = init, a_T = 1: the adjoint in float64. */
function adjoint(a: Float64Array, b: Float64Array, init: Float64Array, T: number, C: number): Float64Array {
  const g = new Float64Array(T * C);
  for (let c = 0; c < C; c++) {
    let s = init[c];
    for (let t = T - 1; t >= 0; t--) {
      s = b[t * C + c] + (t + 1 < T ? a[(t + 1) * C + c] : 1) * s;
      g[t * C + c] = s;
    }
  }
  return g;
}

function inputs(T: number, C: number, seed: number) {
  const rng = new Random(seed);
  // a in (0.5, 1): long memory, so an error carried across chunks would show at the end.
  return { a: toF32Values(rng.uniformArray(T * C, 0.5, 1)), b: toF32Values(rng.uniformArray(T * C, -1, 1)), init: toF32Values(rng.uniformArray(C, -2, 2)) };
}

async function run(T: number, C: number, adjointMode: boolean, options: LinearScanOptions, seed = 1, byStep = false): Promise<{ got: Float32Array; want: Float64Array }> {
  const { a, b, init } = inputs(T, C, seed);
  const d = gpu.device;
  const t = { a: createTensor(d, 'a', [T, C], a), b: createTensor(d, 'b', [T, C], b), init: createTensor(d, 'init', [C], init), out: createTensor(d, 'out', [T, C]) };
  const scan = await linearScanOps(ctx, { channels: C, seqLen: T, adjoint: adjointMode }, t, options);
  try {
    let ops: StepOp[] = scan.ops;
    if (byStep) {
      ops = [];
      for (let k = 0; k < T; k++) ops.push(...scan.steps.range(adjointMode ? T - 1 - k : k, 1));
    }
    await runOps(d, ops);
    const got = await readTensor(d, t.out);
    return { got, want: adjointMode ? adjoint(a, b, init, T, C) : linearRecurrence(a, b, init, T, C) };
  } finally {
    scan.destroy();
    for (const x of Object.values(t)) x.buffer.destroy();
  }
}

const variants = (): Array<[string, LinearScanOptions]> => [
  ['sequential', { algorithm: 'sequential' }],
  ['parallel, workgroup memory', { algorithm: 'parallel', combine: 'workgroup' }],
  ...(gpu.device.features.has('subgroups') ? [['parallel, subgroups', { algorithm: 'parallel', combine: 'subgroups' }] as [string, LinearScanOptions]] : []),
];

describe('linear recurrence on the GPU against float64', () => {
  for (const adjointMode of [false, true]) {
    for (const [T, C] of [[1, 7], [33, 5], [257, 3], [4097, 3]]) {
      it(`${adjointMode ? 'adjoint' : 'forward'} T=${T} channels=${C}, every algorithm`, async () => {
        for (const [name, options] of variants()) {
          const { got, want } = await run(T, C, adjointMode, options, T + C);
          const err = relErr(got, want);
          expect(err, `${name}: err ${err}`).toBeLessThanOrEqual(T >= 200 ? 5e-5 : 1e-5);
        }
      });
    }
  }

  it('several chunks of few threads (the carries between chunks)', async () => {
    const options: LinearScanOptions = { algorithm: 'parallel', combine: 'workgroup', threads: 4, items: 2 };
    expect(planLinearScan({ channels: 9, seqLen: 61, adjoint: false }, options, 256, false).numChunks).toBe(8);
    for (const adjointMode of [false, true]) {
      const { got, want } = await run(61, 9, adjointMode, options, 5);
      expect(relErr(got, want)).toBeLessThanOrEqual(1e-5);
    }
  });

  it('one step at a time (step-through ranges) gives the whole-sequence result', async () => {
    for (const adjointMode of [false, true]) {
      const { got, want } = await run(13, 6, adjointMode, {}, 3, true);
      expect(relErr(got, want)).toBeLessThanOrEqual(1e-5);
    }
  });
});
