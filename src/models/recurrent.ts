// Stacked, optionally bidirectional recurrent layers (tanh RNN, LSTM, GRU) on the GPU.
// Parameters keep PyTorch's names, shapes and gate order, so a state_dict moves across unchanged.
//
// Shapes (time-major inside the engine; batch-first conversion happens at the boundary):
//   x        (T, B, I)          input of layer 0
//   xw       (T, B, G·H)        x·W_ihᵀ + b_ih for all steps, one matmul
//   states   (T+1, B, H) [+ (T+1, B, H) cell states]  see shaders/recurrent.wgsl for the slots
//   gates    (T, B, 4H)         saved gate activations (LSTM i,f,g,o; GRU r,z,n,hn)
//   out      (T, B, D·H)        layer output, directions concatenated as PyTorch does
//   h_n, c_n (L·D, B, H)
// G = 1 (RNN), 4 (LSTM), 3 (GRU); D = 2 when bidirectional.

import { clearOp, copyOp, type StepOp } from '../gpu/dispatch';
import { createTensor, F32, type Slab, type Tensor } from '../gpu/tensor';
import { biasAddOp, biasGradOp, matmulOp } from '../kernels/linear';
import { broadcastRowsOp, transposeOp } from '../kernels/layout';
import { segmentReduceOp } from '../kernels/reduce';
import { carryCellOffset, chooseSchedule, GATE_COUNT, recurrentBackwardOp, recurrentForwardOp, type CellKind, type RecurrentPass, type RecurrentSchedule } from '../kernels/recurrent';
import { suffix, type RecurrentShapeConfig } from './recurrentParams';
import type { KernelContext } from '../kernels/registry';
import type { Tape } from '../train/tape';

export type { CellKind };

/** The float64 reference's configuration, with the initial state always stated. */
export interface RecurrentConfig extends RecurrentShapeConfig {
  /** 'learned': a trainable initial state per layer and direction, shared by the batch. */
  initialState: 'zeros' | 'learned';
  /** The recurrence's GPU schedule; by default chosen from the hidden size and the device (chooseSchedule). */
  schedule?: RecurrentSchedule;
}

export const GATE_NAMES: Record<CellKind, readonly string[]> = {
  rnn_tanh: [],
  lstm: ['input', 'forget', 'cell', 'output'],
  gru: ['reset', 'update', 'new'],
};

// Parameter names, shapes and initialisation: ./recurrentParams.ts.
export { initRecurrent, recurrentParameterShapes } from './recurrentParams';

export interface RecurrentIO {
  /** Parameter and gradient slabs, fields named `${prefix}${pytorchName}`. */
  params: Slab;
  grads: Slab;
  prefix: string;
  /** (T, B, I) input. */
  x: Tensor;
  /** (T, B, I) gradient of the input, when wanted. */
  dx?: Tensor;
  /** (L·D, B, H) given initial states (zeros when absent and not learned). */
  h0?: Tensor;
  c0?: Tensor;
  /** (L·D, B, H) cotangents of h_n, c_n (zero when absent). */
  dhN?: Tensor;
  dcN?: Tensor;
}

/** One layer and direction's buffers, kept for the probes and step-through. */
export interface DirectionState {
  layer: number;
  direction: number;
  states: Tensor;
  gates: Tensor;
  dhProbe: Tensor;
  carry: Tensor;
  /** Zeroes `carry` (∂L/∂h, ∂L/∂c from after the last step) before a step-through. */
  carryInit: StepOp[];
  forward: RecurrentPass;
  backward: RecurrentPass;
}

/** The top layer's forward-direction BPTT, one step at a time (see src/train/stepThrough.ts). */
export interface StepThrough {
  T: number;
  B: number;
  H: number;
  /** Ops that prepare the walk (zero the carried gradient). */
  begin: StepOp[];
  backward: RecurrentPass;
  /** (T, B, H) ∂L/∂h_t in total, written as the walk reaches t. */
  dhProbe: Tensor;
  /** ∂L/∂h flowing into the step before (B, H): what vanishes or explodes. */
  carry: Tensor;
}

export class RecurrentStack {
  readonly directions: DirectionState[] = [];
  /** (T, B, D·H) output of each layer; the last is the model's output. */
  readonly outs: Tensor[] = [];
  /** Gradients with respect to each layer's output. */
  readonly dOuts: Tensor[] = [];
  readonly hN: Tensor;
  readonly cN: Tensor | null;
  readonly dh0: Tensor;
  readonly dc0: Tensor | null;
  private readonly owned: Tensor[] = [];
  private readonly passes: RecurrentPass[] = [];

  private constructor(
    readonly cfg: RecurrentConfig,
    readonly T: number,
    readonly B: number,
    private readonly ctx: KernelContext,
  ) {
    const LD = cfg.numLayers * this.D;
    this.hN = this.alloc('h_n', [LD, B, cfg.hiddenSize]);
    this.cN = cfg.cell === 'lstm' ? this.alloc('c_n', [LD, B, cfg.hiddenSize]) : null;
    this.dh0 = this.alloc('dh0', [LD, B, cfg.hiddenSize]);
    this.dc0 = cfg.cell === 'lstm' ? this.alloc('dc0', [LD, B, cfg.hiddenSize]) : null;
  }

  get D(): number {
    return this.cfg.bidirectional ? 2 : 1;
  }

  get out(): Tensor {
    return this.outs[this.outs.length - 1];
  }

  get dOut(): Tensor {
    return this.dOuts[this.dOuts.length - 1];
  }

  get outputSize(): number {
    return this.D * this.cfg.hiddenSize;
  }

  private alloc(label: string, shape: number[]): Tensor {
    const t = createTensor(this.ctx.device, label, shape);
    this.owned.push(t);
    return t;
  }

  /** Builds the buffers and records forward and backward ops of every layer on the tape. */
  static async build(ctx: KernelContext, cfg: RecurrentConfig, T: number, B: number, io: RecurrentIO, tape: Tape): Promise<RecurrentStack> {
    const stack = new RecurrentStack(cfg, T, B, ctx);
    for (let l = 0; l < cfg.numLayers; l++) await stack.recordLayer(l, io, tape);
    return stack;
  }

  private async recordLayer(l: number, io: RecurrentIO, tape: Tape): Promise<void> {
    const { cfg, T, B, D, ctx } = this;
    const H = cfg.hiddenSize;
    const G = GATE_COUNT[cfg.cell];
    const GH = G * H;
    const TB = T * B;
    const inSize = l === 0 ? cfg.inputSize : D * H;
    const input = l === 0 ? io.x : this.outs[l - 1];
    const dInput = l === 0 ? io.dx : this.dOuts[l - 1];
    const out = this.alloc(`out_l${l}`, [T, B, D * H]);
    const dOut = this.alloc(`d_out_l${l}`, [T, B, D * H]);
    this.outs.push(out);
    this.dOuts.push(dOut);
    const lstm = cfg.cell === 'lstm';
    const forward: StepOp[] = [];
    const backward: StepOp[] = [];

    for (let d = 0; d < D; d++) {
      const s = suffix(l, d);
      const p = (name: string) => io.params.tensor(`${io.prefix}${name}${s}`);
      const g = (name: string) => io.grads.tensor(`${io.prefix}${name}${s}`);
      const row = l * D + d;
      const xw = this.alloc(`xw${s}`, [T, B, GH]);
      const wHhT = this.alloc(`w_hh_t${s}`, [H, GH]);
      const states = this.alloc(`states${s}`, [(lstm ? 2 : 1) * (T + 1), B, H]);
      const gates = this.alloc(`gates${s}`, cfg.cell === 'rnn_tanh' ? [1] : [T, B, 4 * H]);
      const dGi = this.alloc(`d_gi${s}`, [T, B, GH]);
      // Only the GRU's hidden-side gradients differ from the input side's (r scales W_hn h + b_hn);
      // the others bind a one-value buffer there, since one buffer may not be bound writable twice.
      const dGhBinding = this.alloc(`d_gh${s}`, cfg.cell === 'gru' ? [T, B, GH] : [1]);
      const dGh = cfg.cell === 'gru' ? dGhBinding : dGi;
      const cOff = carryCellOffset(B, H);
      const carry = this.alloc(`carry${s}`, [cOff + B * H]);
      const dhProbe = this.alloc(`dh_probe${s}`, [T, B, H]);
      const reverse = d === 1;
      const shape = { cell: cfg.cell, T, B, H, reverse, outStride: D * H, outOffset: d * H, schedule: cfg.schedule ?? chooseSchedule(H, ctx.device.limits) };
      const firstSlot = reverse ? T : 0;
      const lastSlot = reverse ? 0 : T;
      const cBase = (T + 1) * B * H;
      const slot = (base: number, k: number): Tensor => ({ ...states, offset: (base + k * B * H) * F32, size: B * H, label: `${states.label}[${k}]` });

      // Forward: input projection, weights transposed for coalesced reads, initial state, recurrence.
      forward.push(await matmulOp(ctx, { A: input, B: p('weight_ih'), C: xw, M: TB, N: GH, K: inSize, transB: true, label: `x·W_ihᵀ${s}` }));
      forward.push(await biasAddOp(ctx, xw, p('bias_ih'), TB, GH));
      forward.push(await transposeOp(ctx, p('weight_hh'), wHhT, GH, H));
      const initial = async (given: Tensor | undefined, learned: string, base: number, label: string) => {
        if (cfg.initialState === 'learned') return broadcastRowsOp(ctx, p(learned), states, B, H, 1, base + firstSlot * B * H);
        if (given) return copyOp(label, { ...given, offset: given.offset + row * B * H * F32, size: B * H }, slot(base, firstSlot));
        return clearOp(label, slot(base, firstSlot));
      };
      forward.push(await initial(io.h0, 'h0', 0, `h0${s}`));
      if (lstm) forward.push(await initial(io.c0, 'c0', cBase, `c0${s}`));
      const fwd = await recurrentForwardOp(ctx, shape, { xw, wHhT, bHh: p('bias_hh'), states, gates, out });
      forward.push(...fwd.range(0, T));
      forward.push(copyOp(`h_n${s}`, slot(0, lastSlot), { ...this.hN, offset: row * B * H * F32, size: B * H }));
      if (lstm && this.cN) forward.push(copyOp(`c_n${s}`, slot(cBase, lastSlot), { ...this.cN, offset: row * B * H * F32, size: B * H }));

      // Backward: carry ← cotangents of h_n, c_n; BPTT; then the weight gradients as matmuls.
      const carryH: Tensor = { ...carry, size: B * H };
      const carryC: Tensor = { ...carry, offset: cOff * F32, size: B * H };
      backward.push(io.dhN ? copyOp(`dh_n${s}`, { ...io.dhN, offset: io.dhN.offset + row * B * H * F32, size: B * H }, carryH) : clearOp(`dh_n${s}`, carryH));
      if (lstm) backward.push(io.dcN ? copyOp(`dc_n${s}`, { ...io.dcN, offset: io.dcN.offset + row * B * H * F32, size: B * H }, carryC) : clearOp(`dc_n${s}`, carryC));
      const bwd = await recurrentBackwardOp(ctx, shape, { wHh: p('weight_hh'), states, gates, dOut, dGi, dGh: dGhBinding, carry, dhProbe });
      backward.push(...bwd.range(0, T));
      backward.push(await matmulOp(ctx, { A: dGi, B: input, C: g('weight_ih'), M: GH, N: inSize, K: TB, transA: true, label: `dW_ih${s}` }));
      backward.push(await biasGradOp(ctx, dGi, g('bias_ih'), TB, GH));
      // States read by step t are rows 0..T-1 (forward) or 1..T (reverse) of hs.
      backward.push(await matmulOp(ctx, { A: dGh, B: states, C: g('weight_hh'), M: GH, N: H, K: TB, transA: true, bOffset: reverse ? B * H : 0, label: `dW_hh${s}` }));
      backward.push(await biasGradOp(ctx, dGh, g('bias_hh'), TB, GH));
      if (dInput) backward.push(await matmulOp(ctx, { A: dGi, B: p('weight_ih'), C: dInput, M: TB, N: inSize, K: GH, accumulate: d > 0, label: `dx${s}` }));
      if (cfg.initialState === 'learned') {
        backward.push(await biasGradOp(ctx, carryH, g('h0'), B, H));
        if (lstm) backward.push(await biasGradOp(ctx, carryC, g('c0'), B, H));
      }
      backward.push(copyOp(`dh0${s}`, carryH, { ...this.dh0, offset: row * B * H * F32, size: B * H }));
      if (lstm && this.dc0) backward.push(copyOp(`dc0${s}`, carryC, { ...this.dc0, offset: row * B * H * F32, size: B * H }));

      this.passes.push(fwd, bwd);
      const carryInit = [clearOp(`carry${s}`, { ...carry, size: carry.size })];
      this.directions.push({ layer: l, direction: d, states, gates, dhProbe, carry, carryInit, forward: fwd, backward: bwd });
    }
    tape.record(`${cfg.cell} layer ${l}`, forward, backward);
  }

  /**
   * Views of one sample's hidden states, gates and cell state at every step of `layer`, and an op
   * that reduces ∂L/∂h_t over the batch for each t: what the visualisations read. Gates and
   * cell state are the forward direction's.
   */
  async probeViews(sample: number, layer: number): Promise<ProbeViews> {
    const { T, B, cfg } = this;
    const H = cfg.hiddenSize;
    const DH = this.D * H;
    const l = Math.min(Math.max(layer, 0), cfg.numLayers - 1);
    const b = Math.min(Math.max(sample, 0), B - 1);
    const dir = this.directions.find((d) => d.layer === l && d.direction === 0)!;
    const view = (t: Tensor, elementOffset: number, size: number, label: string): Tensor => ({ ...t, offset: t.offset + elementOffset * F32, size, label });
    const steps = Array.from({ length: T }, (_, t) => t);
    const gates: ProbeViews['gates'] = {};
    if (cfg.cell !== 'rnn_tanh') {
      gates.packed = { views: steps.map((t) => view(dir.gates, (t * B + b) * 4 * H, 4 * H, 'gates')), width: 4 * H };
    }
    if (cfg.cell === 'lstm') {
      gates.cell = { views: steps.map((t) => view(dir.states, (T + 1) * B * H + ((t + 1) * B + b) * H, H, 'cell')), width: H };
    }
    let norms = this.probeNorms.get(l);
    if (!norms) {
      const out = this.alloc(`grad norm by time l${l}`, [T]);
      const op = await segmentReduceOp(this.ctx, 'sumsq', dir.dhProbe, steps.map((t) => ({ offset: t * B * H, length: B * H })), out);
      norms = { op, out };
      this.probeNorms.set(l, norms);
    }
    return {
      T,
      units: DH,
      hidden: steps.map((t) => view(this.outs[l], (t * B + b) * DH, DH, 'hidden')),
      gates,
      gateNames: GATE_NAMES[cfg.cell],
      gradNormOps: [norms.op],
      gradNormSumsq: norms.out,
    };
  }

  get schedule(): string {
    const { schedule, detail } = this.directions[0].forward;
    return `${schedule}: ${detail}`;
  }

  stepThrough(): StepThrough {
    const top = this.directions.find((d) => d.layer === this.cfg.numLayers - 1 && d.direction === 0)!;
    return { T: this.T, B: this.B, H: this.cfg.hiddenSize, begin: top.carryInit, backward: top.backward, dhProbe: top.dhProbe, carry: top.carry };
  }

  private readonly probeNorms = new Map<number, { op: StepOp; out: Tensor }>();

  destroy(): void {
    for (const t of this.owned) t.buffer.destroy();
    for (const p of this.passes) p.destroy();
  }
}

export interface ProbeViews {
  T: number;
  units: number;
  /** One view per step: the chosen sample's layer output (all directions). */
  hidden: Tensor[];
  /**
   * Extra per-step views: `packed` holds the gates side by side (see gateNames), `cell` the cell
   * state; Mamba's `delta` (Δ) and `|h|` (each channel's state norm).
   */
  gates: Record<string, { views: Tensor[]; width: number }>;
  gateNames: readonly string[];
  /**
   * Encode these before reading the views: they write `gradNormSumsq` (Σ_b ‖∂L/∂h_t‖² for each t)
   * and any gate map computed on request (Mamba's Δ and |h|).
   */
  gradNormOps: StepOp[];
  gradNormSumsq: Tensor;
}
