// The whole Mamba forward pass as the trainer builds it (src/models/mamba.ts): a linear embedding
// (input -> d_model) and one Mamba-1 block (in_proj, causal conv1d + SiLU, x_proj, dt_proj, the
// selective scan with its gate, out_proj), batch 1, d_model 64 (d_inner 128, like the scan rows),
// d_state 16, d_conv 4, over sequence lengths up to 1M. Its ops hold copies and clears as well as
// dispatches, so the case submits them itself (one command buffer per forward pass, as the app's
// evaluation does); rate: tokens (timesteps) per second. GPU memory counts everything the encoder
// allocates, its backward buffers included (it records both passes at once).
//
// The check runs the float64 reference (embedding, then src/reference/mamba.ts's block) on the
// first 128 steps: every layer is causal, so those outputs depend on nothing after them.

import { encodeOps } from '../../src/gpu/dispatch';
import { createTensor, packSlab, Slab, slabLayout, writeTensor } from '../../src/gpu/tensor';
import { Random } from '../../src/data/random';
import { modelSpec, type ModelConfig } from '../../src/models';
import type { MambaModelConfig } from '../../src/models/mamba';
import { relErr } from '../../src/reference/compare';
import { mambaForward, MAMBA_PARAM_NAMES, type MambaParams } from '../../src/reference/mamba';
import { Tape } from '../../src/train/tape';
import type { BenchCase, BenchEnv, PreparedCase } from '../suite';
import { countLabel, readSlice, uniformF32 } from './data';

export const MAMBA_BENCH: MambaModelConfig = { inputSize: 16, dModel: 64, dState: 16, dConv: 4, expand: 2, numLayers: 1 };
/** On a software adapter: d_inner 16 (like the scaled scan rows). */
export const MAMBA_BENCH_SCALED: MambaModelConfig = { inputSize: 4, dModel: 8, dState: 16, dConv: 4, expand: 2, numLayers: 1 };
const CHECK_STEPS = 128;

async function prepareMambaForward(env: BenchEnv, L: number): Promise<PreparedCase> {
  const { device } = env.gpu;
  const fallback = env.config.profile === 'fallback' || env.config.profile === 'fallback-quick';
  const model = fallback ? MAMBA_BENCH_SCALED : MAMBA_BENCH;
  const cfg: ModelConfig = { kind: 'mamba', ...model };
  const spec = modelSpec(cfg);
  const B = 1;
  const I = model.inputSize;
  const M = model.dModel;
  const layout = slabLayout(spec.parameterShapes(), device.limits.minStorageBufferOffsetAlignment);
  const params = new Slab(device, 'params', layout);
  const grads = new Slab(device, 'grads', layout);
  const initial = spec.init(new Random(5));
  writeTensor(device, params.all(), packSlab(layout, initial));
  const xHost = uniformF32(L * B * I, -1, 1, 61);
  const x = createTensor(device, 'x', [L, B, I], xHost); // (T, B, I)
  const tape = new Tape();
  let encoder: Awaited<ReturnType<typeof spec.build>>;
  try {
    encoder = await spec.build(env.ctx, L, B, { params, grads, prefix: '', x }, tape);
  } catch (error) {
    params.destroy();
    grads.destroy();
    x.buffer.destroy();
    throw error;
  }
  const ops = tape.forwardOps();
  const dInner = model.expand * model.dModel;
  return {
    submit(count) {
      for (let i = 0; i < count; i++) {
        const commands = device.createCommandEncoder({ label: 'mamba forward' });
        encodeOps(commands, ops);
        device.queue.submit([commands.finish()]);
      }
    },
    work: { tokens: B * L },
    shape: `L=${countLabel(L)} B${B} I${I} M${M} E${dInner} N${model.dState}${fallback ? ' (scaled)' : ''}`,
    note: fallback ? `scaled from M${MAMBA_BENCH.dModel} E${MAMBA_BENCH.dModel * MAMBA_BENCH.expand}, L 1K to 1M` : '',
    async verify() {
      const P = Math.min(L, CHECK_STEPS);
      // s_0 = x·embedᵀ + bias on the first P steps, then the block in float64.
      const w = initial['embed.weight'];
      const bias = initial['embed.bias'];
      const s0 = new Float64Array(P * M); // (1, P, M)
      for (let t = 0; t < P; t++)
        for (let m = 0; m < M; m++) {
          let s = bias[m];
          for (let k = 0; k < I; k++) s += w[m * I + k] * xHost[t * I + k];
          s0[t * M + m] = s;
        }
      const block = Object.fromEntries(MAMBA_PARAM_NAMES.map((n) => [n, Float64Array.from(initial[`mamba.${n}`])])) as MambaParams;
      const want = mambaForward(model, block, s0, 1, P).y;
      const got = await readSlice(device, encoder.out, 0, P * M); // (T, 1, M): the first P rows
      const err = relErr(got, want);
      return err <= 1e-3 ? null : `output of the first ${P} steps: relative error ${err.toExponential(2)} > 1e-3`;
    },
    destroy() {
      encoder.destroy();
      params.destroy();
      grads.destroy();
      x.buffer.destroy();
    },
  };
}

const K = 1024;
export const mambaCases: BenchCase[] = [
  {
    id: 'mamba-forward',
    group: 'mamba',
    sizes: { full: [K, 16 * K, 256 * K, K * K], quick: [K, 16 * K], fallback: [K, 4 * K], 'fallback-quick': [K] },
    defaultSizes: { fallback: [K] },
    prepare: prepareMambaForward,
  },
];
