// Stacked minGRU / minLSTM layers on the GPU (Feng et al. 2024; maths and glossary in
// src/reference/minrnn.ts, parameters there too). Each layer is three pieces, forward and backward
// recorded together on the tape:
//   1. the gate pre-activations of every step at once: one matmul x·Wᵀ + bias (src/kernels/linear.ts)
//   2. a_t and b_t from them, elementwise (shaders/minrnn.wgsl gatesForward)
//   3. h_t = a_t·h_{t-1} + b_t, the linear scan of shaders/scan.wgsl (src/kernels/linearScan.ts)
// The backward runs them in reverse: the scan's adjoint gives g_t = ∂L/∂h_t in total, gatesBackward
// turns it into ∂L/∂k (and ∂L/∂h0), and matmuls give ∂L/∂W, ∂L/∂bias and ∂L/∂x.
//
// Shapes (time-major inside the engine):
//   x      (T, B, I)       input of layer 0; layer l > 0 reads the output of layer l-1, (T, B, H)
//   pre    (T, B, G·H)     k = x·Wᵀ + bias; G = 2 (z, h~) or 3 (f, i, h~)
//   a, b   (T, B, H)       the recurrence's coefficients
//   gates  (T, B, (G-1)·H) z, or f and i, for the probes
//   out    (T, B, H)       h_t, the layer's output
//   g      (T, B, H)       ∂L/∂h_t in total
//   h_n    (L, B, H)

import minrnnWgsl from '../../shaders/minrnn.wgsl?raw';
import { clearOp, copyOp, createUniform, grid1d, makeOp, type GpuOp, type StepOp } from '../gpu/dispatch';
import { createTensor, F32, type Tensor } from '../gpu/tensor';
import { broadcastRowsOp } from '../kernels/layout';
import { biasAddOp, biasGradOp, matmulOp } from '../kernels/linear';
import { linearScanOps, type LinearScan } from '../kernels/linearScan';
import { segmentReduceOp } from '../kernels/reduce';
import { withMath, type KernelContext } from '../kernels/registry';
import { registerTwins } from '../kernels/cpu';
import { MINRNN_TWINS } from './minrnnCpu';
import type { ScanAlgorithm } from '../kernels/scan';
import { MIN_GATE_COUNT, MIN_GATE_NAMES, type MinRnnConfig } from './minrnnParams';
import type { Tape } from '../train/tape';
import type { Encoder } from '.';
import type { ProbeViews, RecurrentIO, StepThrough } from './recurrent';

const KERNEL = withMath('minrnn', minrnnWgsl);
registerTwins(KERNEL.name, MINRNN_TWINS); // the CPU backend's version of the same entry points
const FLAT = 64;

/** The GPU model's configuration: the reference's, and how the recurrence runs. */
export interface MinRnnStackConfig extends MinRnnConfig {
  /** 'parallel' (default) or 'sequential': the linear scan's algorithm. */
  scan?: ScanAlgorithm;
}

interface Layer {
  out: Tensor;
  gates: Tensor;
  /** ∂L/∂h_t in total, the adjoint scan's output. */
  g: Tensor;
  /** (B, H) ∂L/∂h0 of this layer, written by gatesBackward. */
  dInit: Tensor;
  /** Sets the adjoint's start (∂L/∂h_n, or zeros) before a backward pass. */
  adjointInit: StepOp;
  forwardScan: LinearScan;
  adjointScan: LinearScan;
}

export class MinRnnStack implements Encoder {
  private readonly layers: Layer[] = [];
  private readonly dOuts: Tensor[] = [];
  private readonly owned: Tensor[] = [];
  private readonly uniforms: GPUBuffer[] = [];
  private readonly probeNorms = new Map<number, { op: StepOp; out: Tensor }>();
  readonly hN: Tensor;
  /** (L, B, H) ∂L/∂h0 of every layer. */
  readonly dh0: Tensor;

  private constructor(
    readonly cfg: MinRnnStackConfig,
    readonly T: number,
    readonly B: number,
    private readonly ctx: KernelContext,
  ) {
    this.hN = this.alloc('h_n', [cfg.numLayers, B, cfg.hiddenSize]);
    this.dh0 = this.alloc('dh0', [cfg.numLayers, B, cfg.hiddenSize]);
  }

  get out(): Tensor {
    return this.layers[this.layers.length - 1].out;
  }

  get dOut(): Tensor {
    return this.dOuts[this.dOuts.length - 1];
  }

  get outputSize(): number {
    return this.cfg.hiddenSize;
  }

  get schedule(): string {
    return this.layers[0].forwardScan.detail;
  }

  private alloc(label: string, shape: number[]): Tensor {
    const t = createTensor(this.ctx.device, label, shape);
    this.owned.push(t);
    return t;
  }

  static async build(ctx: KernelContext, cfg: MinRnnStackConfig, T: number, B: number, io: RecurrentIO, tape: Tape): Promise<MinRnnStack> {
    const stack = new MinRnnStack(cfg, T, B, ctx);
    for (let l = 0; l < cfg.numLayers; l++) await stack.recordLayer(l, io, tape);
    return stack;
  }

  private async gateOp(entry: 'gatesForward' | 'gatesBackward', resources: Record<number, Tensor>): Promise<GpuOp> {
    const { T, B, cfg, ctx } = this;
    const H = cfg.hiddenSize;
    const uniform = createUniform(ctx.device, `${cfg.cell} ${entry}`, [['u32', T], ['u32', B], ['u32', H], ['u32', 0]]);
    this.uniforms.push(uniform);
    const pipeline = await ctx.pipelines.get(KERNEL, entry, { CELL: cfg.cell === 'minlstm' ? 1 : 0, CANDIDATE: cfg.candidate === 'identity' ? 1 : 0 });
    const list = Array.from({ length: 10 }, (_, i) => (i === 0 ? uniform : (resources[i] ?? null)));
    return makeOp(ctx.device, pipeline, `${cfg.cell} ${entry}`, list, grid1d(T * B * H, FLAT));
  }

  private async recordLayer(l: number, io: RecurrentIO, tape: Tape): Promise<void> {
    const { cfg, T, B, ctx } = this;
    const H = cfg.hiddenSize;
    const G = MIN_GATE_COUNT[cfg.cell];
    const TB = T * B;
    const inSize = l === 0 ? cfg.inputSize : H;
    const input = l === 0 ? io.x : this.layers[l - 1].out;
    const dInput = l === 0 ? io.dx : this.dOuts[l - 1];
    const p = (name: string) => io.params.tensor(`${io.prefix}${name}_l${l}`);
    const grad = (name: string) => io.grads.tensor(`${io.prefix}${name}_l${l}`);
    const row = (t: Tensor, k: number): Tensor => ({ ...t, offset: t.offset + k * B * H * F32, size: B * H, label: `${t.label}[${k}]` });

    const pre = this.alloc(`pre_l${l}`, [T, B, G * H]);
    const a = this.alloc(`a_l${l}`, [T, B, H]);
    const b = this.alloc(`b_l${l}`, [T, B, H]);
    const gates = this.alloc(`gates_l${l}`, [T, B, (G - 1) * H]);
    const out = this.alloc(`out_l${l}`, [T, B, H]);
    const dOut = this.alloc(`d_out_l${l}`, [T, B, H]);
    const hInit = this.alloc(`h_init_l${l}`, [B, H]);
    const g = this.alloc(`g_l${l}`, [T, B, H]);
    const gInit = this.alloc(`g_init_l${l}`, [B, H]);
    const dPre = this.alloc(`d_pre_l${l}`, [T, B, G * H]);
    const dInit = this.alloc(`d_init_l${l}`, [B, H]);
    this.dOuts.push(dOut);

    const channels = B * H;
    const forwardScan = await linearScanOps(ctx, { channels, seqLen: T, adjoint: false }, { a, b, init: hInit, out }, { algorithm: cfg.scan });
    const adjointScan = await linearScanOps(ctx, { channels, seqLen: T, adjoint: true }, { a, b: dOut, init: gInit, out: g }, { algorithm: cfg.scan });

    const forward: StepOp[] = [
      await matmulOp(ctx, { A: input, B: p('weight_ih'), C: pre, M: TB, N: G * H, K: inSize, transB: true, label: `x·Wᵀ l${l}` }),
      await biasAddOp(ctx, pre, p('bias_ih'), TB, G * H),
      await this.gateOp('gatesForward', { 1: pre, 2: a, 3: b, 4: gates }),
    ];
    if (cfg.initialState === 'learned') forward.push(await broadcastRowsOp(ctx, p('h0'), hInit, B, H, 1));
    else forward.push(io.h0 ? copyOp(`h0 l${l}`, row(io.h0, l), hInit) : clearOp(`h0 l${l}`, hInit));
    forward.push(...forwardScan.ops, copyOp(`h_n l${l}`, row(out, T - 1), row(this.hN, l)));

    const adjointInit = io.dhN ? copyOp(`dh_n l${l}`, row(io.dhN, l), gInit) : clearOp(`dh_n l${l}`, gInit);
    const backward: StepOp[] = [
      adjointInit,
      ...adjointScan.ops,
      await this.gateOp('gatesBackward', { 1: pre, 5: g, 6: out, 7: hInit, 8: dPre, 9: dInit }),
      await matmulOp(ctx, { A: dPre, B: input, C: grad('weight_ih'), M: G * H, N: inSize, K: TB, transA: true, label: `dW l${l}` }),
      await biasGradOp(ctx, dPre, grad('bias_ih'), TB, G * H),
    ];
    if (dInput) backward.push(await matmulOp(ctx, { A: dPre, B: p('weight_ih'), C: dInput, M: TB, N: inSize, K: G * H, label: `dx l${l}` }));
    if (cfg.initialState === 'learned') backward.push(await biasGradOp(ctx, dInit, grad('h0'), B, H));
    backward.push(copyOp(`dh0 l${l}`, dInit, row(this.dh0, l)));

    this.layers.push({ out, gates, g, dInit, adjointInit, forwardScan, adjointScan });
    tape.record(`${cfg.cell} layer ${l}`, forward, backward);
  }

  /** One sample's hidden state and gates at every step of `layer`, and Σ_b ‖∂L/∂h_t‖² per step. */
  async probeViews(sample: number, layer: number): Promise<ProbeViews> {
    const { T, B, cfg } = this;
    const H = cfg.hiddenSize;
    const l = Math.min(Math.max(layer, 0), cfg.numLayers - 1);
    const b = Math.min(Math.max(sample, 0), B - 1);
    const { out, gates, g } = this.layers[l];
    const width = (MIN_GATE_COUNT[cfg.cell] - 1) * H;
    const names = MIN_GATE_NAMES[cfg.cell];
    const view = (t: Tensor, elementOffset: number, size: number, label: string): Tensor => ({ ...t, offset: t.offset + elementOffset * F32, size, label });
    const steps = Array.from({ length: T }, (_, t) => t);
    let norms = this.probeNorms.get(l);
    if (!norms) {
      const sums = this.alloc(`grad norm by time l${l}`, [T]);
      norms = { op: await segmentReduceOp(this.ctx, 'sumsq', g, steps.map((t) => ({ offset: t * B * H, length: B * H })), sums), out: sums };
      this.probeNorms.set(l, norms);
    }
    return {
      T,
      units: H,
      hidden: steps.map((t) => view(out, (t * B + b) * H, H, 'hidden')),
      // One (H) view per gate and step, under the gate's name ('packed' means the recurrent cells' 4H rows).
      gates: Object.fromEntries(names.map((name, k) => [name, { views: steps.map((t) => view(gates, (t * B + b) * width + k * H, H, name)), width: H }])),
      gateNames: [],
      gradNormOps: [norms.op],
      gradNormSumsq: norms.out,
    };
  }

  /**
   * The top layer's backward one step at a time: the adjoint scan's sequential kernel over one
   * step takes ∂L/∂h from t+1 to t (the recurrence is linear, so that is all BPTT does here).
   * `carry` is the top layer's ∂L/∂h0, complete once the walk reaches t = 0 and the gates' backward ran.
   */
  stepThrough(): StepThrough {
    const top = this.layers[this.layers.length - 1];
    return { T: this.T, B: this.B, H: this.cfg.hiddenSize, begin: [top.adjointInit], backward: top.adjointScan.steps, dhProbe: top.g, carry: top.dInit };
  }

  destroy(): void {
    for (const t of this.owned) t.buffer.destroy();
    for (const u of this.uniforms) u.destroy();
    for (const layer of this.layers) {
      layer.forwardScan.destroy();
      layer.adjointScan.destroy();
    }
  }
}
