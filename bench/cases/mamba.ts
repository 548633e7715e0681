// The whole Mamba forward pass as the trainer builds it (src/models/mamba.ts): a linear embedding
// (input -> d_model) and one Mamba-1 block (in_proj, causal conv1d + SiLU, x_proj, dt_proj, the
// selective scan with its gate, out_proj), batch 1, d_model 64 (d_inner 128, like the scan rows),
// d_state 16, d_conv 4, over sequence lengths up to 1M; rate: tokens (timesteps) per second.
//
// Up to WINDOW steps it is one forward-only pass over the whole sequence (one command buffer).
// Longer sequences stream through MambaStream, WINDOW steps at a time (one command buffer per
// window, the conv history and scan state carried between windows), so memory stays that of one
// window plus the input, whatever L: the 1M-step forward fits in a browser. GPU memory counts
// every buffer the case creates (parameters, input, activations, scan workspaces).
//
// On a software adapter a full-size 1M forward takes minutes: `--full --sizes=1048576` runs it
// once (no warm-up, one timed pass, the sequential scan), to show that it completes and what it
// costs in memory.
//
// The check runs the float64 reference (embedding, then src/reference/mamba.ts's block) on the
// first 128 steps (every layer is causal, so those outputs depend on nothing after them), from a
// fresh forward of the first window.

import { encodeOps, runOps, type StepOp } from '../../src/gpu/dispatch';
import { createTensor, packSlab, Slab, slabLayout, writeTensor } from '../../src/gpu/tensor';
import { Random } from '../../src/data/random';
import { mambaModelParameterShapes, initMambaModel, type MambaModelConfig } from '../../src/models/mamba';
import { MambaStream } from '../../src/models/mambaStream';
import { relErr } from '../../src/reference/compare';
import { MAMBA_PARAM_NAMES, type MambaParams } from '../../src/models/mambaParams';
import { mambaForward } from '../../src/reference/mamba';
import type { BenchCase, BenchEnv, PreparedCase } from '../suite';
import { countLabel, readSlice, uniformF32 } from './data';

export const MAMBA_BENCH: MambaModelConfig = { inputSize: 16, dModel: 64, dState: 16, dConv: 4, expand: 2, numLayers: 1 };
/** On a software adapter: d_inner 16 (like the scaled scan rows). */
export const MAMBA_BENCH_SCALED: MambaModelConfig = { inputSize: 4, dModel: 8, dState: 16, dConv: 4, expand: 2, numLayers: 1 };
/** Steps per pass: longer sequences stream window by window. */
export const MAMBA_WINDOW = 65536;
const CHECK_STEPS = 128;
/** A software adapter runs sequences this long or longer at full size once, not repeatedly. */
const ONCE_FROM = 256 * 1024;

async function prepareMambaForward(env: BenchEnv, L: number): Promise<PreparedCase> {
  const { device } = env.gpu;
  const fallback = env.config.profile === 'fallback' || env.config.profile === 'fallback-quick';
  const model = fallback ? MAMBA_BENCH_SCALED : MAMBA_BENCH;
  const B = 1;
  const I = model.inputSize;
  const M = model.dModel;
  const window = Math.min(L, MAMBA_WINDOW);
  const layout = slabLayout(mambaModelParameterShapes(model), device.limits.minStorageBufferOffsetAlignment);
  const params = new Slab(device, 'params', layout);
  const initial = initMambaModel(model, new Random(5));
  writeTensor(device, params.all(), packSlab(layout, initial));
  const xHost = uniformF32(L * B * I, -1, 1, 61);
  const x = createTensor(device, 'x', [L, B, I], xHost); // (T, B, I)
  // A long full-size run on a software adapter takes the sequential scan, 3 to 4 times faster on
  // a CPU than the parallel one (see the scan rows); everywhere else the parallel scan.
  const once = env.gpu.info.isFallback && !fallback && L >= ONCE_FROM;
  let stream: MambaStream;
  try {
    stream = await MambaStream.build(env.ctx, model, window, B, { params, prefix: '' }, once ? { algorithm: 'sequential' } : {});
  } catch (error) {
    params.destroy();
    x.buffer.destroy();
    throw error;
  }
  const windows: StepOp[][] = stream.sequenceOps(x, L);
  const dInner = model.expand * model.dModel;
  return {
    submit(count) {
      for (let i = 0; i < count; i++)
        for (const ops of windows) {
          const commands = device.createCommandEncoder({ label: 'mamba forward' });
          encodeOps(commands, ops);
          device.queue.submit([commands.finish()]);
        }
    },
    once,
    work: { tokens: B * L },
    shape: `L=${countLabel(L)} B${B} I${I} M${M} E${dInner} N${model.dState}${fallback ? ' (scaled)' : ''}`,
    note: [
      windows.length > 1 ? `streamed: ${windows.length} windows of ${countLabel(window)}` : '',
      fallback ? `scaled from M${MAMBA_BENCH.dModel} E${MAMBA_BENCH.dModel * MAMBA_BENCH.expand}, L 1K to 1M` : '',
      once ? 'one pass, no warm-up, sequential scan (minutes on a software adapter)' : '',
    ]
      .filter(Boolean)
      .join('; '),
    async verify() {
      const P = Math.min(L, CHECK_STEPS);
      // A fresh first window (reset, then the forward), then the float64 reference on its first P steps.
      await runOps(device, windows[0]);
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
      const got = await readSlice(device, stream.out, 0, P * M); // (T, 1, M): the first P rows
      const err = relErr(got, want);
      return err <= 1e-3 ? null : `output of the first ${P} steps: relative error ${err.toExponential(2)} > 1e-3`;
    },
    destroy() {
      stream.destroy();
      params.destroy();
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
