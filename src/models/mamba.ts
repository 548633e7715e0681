// Mamba-1 on the GPU: the block of mamba_ssm (`mamba_simple.Mamba`, bias=False, conv_bias=True),
// forward and backward, recorded as ops on the tape, and the encoder the trainer builds from it.
// The float64 reference it is tested against is src/reference/mamba.ts.
//
// Glossary (Gu & Dao, "Mamba", Algorithm 2), code name = paper symbol:
//   Δ = delta    the step size per channel and step; Δ = softplus(delta + dt_proj.bias)
//   A            (d_inner, d_state) diagonal state matrix, A = -exp(A_log) < 0
//   B, C         input-dependent input and output matrices, from x_proj
//   D            (d_inner) the skip: y += D·u
//   h            the state (batch, d_inner, d_state): h_t = exp(Δ_t A) h_{t-1} + Δ_t B_t u_t
//   y            y_t = (C_t·h_t + D u_t) · SiLU(z_t)
// Sizes: M = d_model, E = d_inner = expand·M, N = d_state, R = dt_rank = ceil(M/16), K = d_conv.
//
// Buffers of one block (time-major rows r = t·B + b, so every projection is one matmul over
// T·B rows and the scan reads the matmul outputs in place through strided layouts):
//   x        (T, B, M)    block input
//   xz       (T, B, 2E)   x·in_projᵀ: columns [0, E) the conv input, [E, 2E) the gate z
//   convPre  (T, B, E)   causal depthwise conv1d + bias, before SiLU
//   u        (T, B, E)   SiLU(convPre), the scan's input
//   dtLow    (T, B, R)   u·x_proj[0:R]ᵀ, the low-rank Δ
//   BC       (T, B, 2N)  u·x_proj[R:]ᵀ: columns [0, N) B, [N, 2N) C
//   delta    (T, B, E)   dtLow·dt_projᵀ; dt_proj.bias and softplus are applied inside the scan
//   A        (E, N)      -exp(A_log)
//   ys       (T, B, E)   the scan's gated output
//   out      (T, B, M)   ys·out_projᵀ (written, or added to a residual stream)
// Gradients mirror them: dys, du, ddelta, dxz (dz from the scan, dxin from the conv), dBC, dA.
//
// The encoder the trainer uses (ModelConfig kind 'mamba'):
//   numLayers = 1:  embed (Linear I→M with bias) → Mamba, parameters `embed.*` and `mamba.*`,
//                   exactly the train_mamba fixture's encoder (no residual, no norm).
//   numLayers ≥ 2:  mamba_ssm's MixerModel with a Linear embedding: s_0 = embed(x),
//                   s_{k+1} = s_k + Mamba_k(RMSNorm_k(s_k)) (pre-norm residual, as its Block),
//                   out = RMSNorm_f(s_N); parameters `layers.{k}.mixer.*`, `layers.{k}.norm.weight`,
//                   `norm_f.weight`. Norm weights start at 1 and each out_proj is scaled by 1/√N,
//                   as mamba_ssm's _init_weights rescales prenorm residuals.

import { clearOp, copyOp, type StepOp } from '../gpu/dispatch';
import { createTensor, F32, type Slab, type Tensor } from '../gpu/tensor';
import { activationGradOp, activationOp } from '../kernels/activations';
import { conv1dBackwardOps, conv1dForwardOp, denseRows } from '../kernels/conv1d';
import { biasAddOp, biasGradOp, matmulOp } from '../kernels/linear';
import { aFromLogOp, aLogGradOp, deltaProbeOp } from '../kernels/mamba';
import { rmsNormBackwardOps, rmsNormForwardOp } from '../kernels/norm';
import { segmentReduceOp } from '../kernels/reduce';
import type { KernelContext } from '../kernels/registry';
import { describeScanPlan, selectiveScanOps, type ScanOps, type ScanOptions, type StridedLayout } from '../kernels/scan';
import { mambaBlockPrefix, mambaDims, type MambaDims, type MambaModelConfig } from './mambaParams';
import { Tape } from '../train/tape';
import type { ProbeViews } from './recurrent';

// Sizes, parameter names, shapes and initialisation: ./mambaParams.ts.
export { initMambaModel, mambaBlockPrefix, mambaModelParameterShapes, type MambaModelConfig } from './mambaParams';

// ---------------------------------------------------------------- one block

export interface MambaBlockIO {
  params: Slab;
  /** Absent (or dOut absent): the block records its forward pass only and allocates no gradients. */
  grads?: Slab;
  /** Full prefix of the block's parameters in the slabs, e.g. 'encoder.mamba.'. */
  prefix: string;
  x: Tensor; //     (T, B, M)
  dx?: Tensor; //   (T, B, M) written when given
  out: Tensor; //   (T, B, M)
  dOut?: Tensor; // (T, B, M)
  /** out += block(x) (a residual stream already copied into out) instead of out = block(x). */
  addToOut?: boolean;
  /**
   * Streaming (forward only): each forward continues where the last one ended, the conv reading
   * the last K-1 inputs of the previous run and the scan starting from its final state, so a long
   * sequence can run window by window; `reset` starts a new sequence.
   */
  stream?: boolean;
}

/** Every dispatch of one Mamba block; the caller puts `forward` and `backward` on the tape. */
export class MambaBlock {
  readonly forward: StepOp[] = [];
  readonly backward: StepOp[] = [];
  /** Streaming only: zero the carried conv history and scan state (a new sequence). */
  readonly reset: StepOp[] = [];
  private readonly owned: Tensor[] = [];
  private scanOps!: ScanOps;
  /** (T, B, E) Δ before the bias and softplus. */
  delta!: Tensor;

  private constructor(
    private readonly ctx: KernelContext,
    readonly dims: MambaDims,
    readonly T: number,
    readonly B: number,
  ) {}

  private alloc(label: string, shape: number[]): Tensor {
    const t = createTensor(this.ctx.device, label, shape);
    this.owned.push(t);
    return t;
  }

  static async build(ctx: KernelContext, dims: MambaDims, T: number, B: number, io: MambaBlockIO, scan: ScanOptions = {}): Promise<MambaBlock> {
    const block = new MambaBlock(ctx, dims, T, B);
    await block.record(io, scan);
    return block;
  }

  private async record(io: MambaBlockIO, scanOptions: ScanOptions): Promise<void> {
    const { ctx, T, B } = this;
    const { dModel: M, dInner: E, dState: N, dConv: K, dtRank: R } = this.dims;
    const TB = T * B;
    const p = (name: string) => io.params.tensor(`${io.prefix}${name}`);
    const xz = this.alloc('xz', [T, B, 2 * E]);
    const convPre = this.alloc('conv_pre', [T, B, E]);
    const u = this.alloc('u', [T, B, E]);
    const dtLow = this.alloc('dt_low', [T, B, R]);
    const BC = this.alloc('BC', [T, B, 2 * N]);
    this.delta = this.alloc('delta', [T, B, E]);
    const A = this.alloc('A', [E, N]);
    const ys = this.alloc('ys', [T, B, E]);
    const lastState = this.alloc('last_state', [B, E, N]);

    // Element (b, c, t) of a time-major (T, B, width) tensor, from column `column`.
    const rows = (width: number, column = 0): StridedLayout => ({ offset: column, batch: width, channel: 1, time: B * width });
    const xin = { offset: 0, stride: 2 * E };
    const conv = { T, B, channels: E, width: K };
    const layouts = { u: rows(E), delta: rows(E), y: rows(E), z: rows(2 * E, E), B: rows(2 * N), C: rows(2 * N, N) };
    const scanIn = { u, delta: this.delta, z: xz, A, B: BC, C: BC, D: p('D'), deltaBias: p('dt_proj.bias'), y: ys, lastState };

    // Streaming: the conv's history is the previous window's last K-1 rows of xz (both halves,
    // so the copy is one contiguous range), and the scan starts from its own last state.
    let history: Tensor | undefined;
    if (io.stream) {
      if (io.grads && io.dOut) throw new Error('Mamba block: streaming is forward only');
      if (K > 1 && T < K - 1) throw new Error(`Mamba block: a streamed window of ${T} steps is shorter than the conv's history (${K - 1} steps)`);
      if (K > 1) {
        history = this.alloc('conv history', [K - 1, B, 2 * E]);
        this.reset.push(clearOp('conv history', history));
      }
      this.reset.push(clearOp('last_state', lastState));
    }

    const f = this.forward;
    f.push(await aFromLogOp(ctx, p('A_log'), A));
    f.push(await matmulOp(ctx, { A: io.x, B: p('in_proj.weight'), C: xz, M: TB, N: 2 * E, K: M, transB: true, label: 'x·in_projᵀ' }));
    f.push(await conv1dForwardOp(ctx, conv, { x: xz, xl: xin, weight: p('conv1d.weight'), bias: p('conv1d.bias'), y: convPre, yl: denseRows(E), history }));
    f.push(await activationOp(ctx, 'silu', convPre, u));
    f.push(await matmulOp(ctx, { A: u, B: p('x_proj.weight'), C: dtLow, M: TB, N: R, K: E, transB: true, label: 'u·x_proj[Δ]ᵀ' }));
    f.push(await matmulOp(ctx, { A: u, B: p('x_proj.weight'), C: BC, M: TB, N: 2 * N, K: E, transB: true, bOffset: R * E, label: 'u·x_proj[B,C]ᵀ' }));
    f.push(await matmulOp(ctx, { A: dtLow, B: p('dt_proj.weight'), C: this.delta, M: TB, N: E, K: R, transB: true, label: 'dt_low·dt_projᵀ' }));
    const shape = { batch: B, dInner: E, dState: N, seqLen: T, deltaSoftplus: true };
    if (!io.grads || !io.dOut) {
      this.scanOps = await selectiveScanOps(ctx, shape, io.stream ? { ...scanIn, initialState: lastState } : scanIn, undefined, { ...scanOptions, layouts });
      f.push(...this.scanOps.forward);
      f.push(await matmulOp(ctx, { A: ys, B: p('out_proj.weight'), C: io.out, M: TB, N: M, K: E, transB: true, accumulate: io.addToOut, label: 'ys·out_projᵀ' }));
      if (history) {
        const tail = (K - 1) * B * 2 * E;
        f.push(copyOp('conv history = last rows of xz', { ...xz, offset: xz.offset + (T * B * 2 * E - tail) * F32, size: tail }, history));
      }
      return;
    }

    const grads = io.grads;
    const g = (name: string) => grads.tensor(`${io.prefix}${name}`);
    const dLastState = this.alloc('d_last_state (zero)', [B, E, N]);
    const dys = this.alloc('d_ys', [T, B, E]);
    const du = this.alloc('d_u', [T, B, E]);
    const ddelta = this.alloc('d_delta', [T, B, E]);
    const dxz = this.alloc('d_xz', [T, B, 2 * E]);
    const dBC = this.alloc('d_BC', [T, B, 2 * N]);
    const dA = this.alloc('d_A', [E, N]);
    const dD = this.alloc('d_D', [E]);
    const dDtLow = this.alloc('d_dt_low', [T, B, R]);
    const dConvPre = this.alloc('d_conv_pre', [T, B, E]);
    this.scanOps = await selectiveScanOps(
      ctx,
      shape,
      scanIn,
      { dy: dys, dLastState, du, ddelta, dz: dxz, dA, dB: dBC, dC: dBC, dD, dDeltaBias: g('dt_proj.bias') },
      { ...scanOptions, layouts },
    );
    f.push(...this.scanOps.forward);
    f.push(await matmulOp(ctx, { A: ys, B: p('out_proj.weight'), C: io.out, M: TB, N: M, K: E, transB: true, accumulate: io.addToOut, label: 'ys·out_projᵀ' }));

    const dOut = io.dOut;
    const b = this.backward;
    b.push(await matmulOp(ctx, { A: dOut, B: p('out_proj.weight'), C: dys, M: TB, N: E, K: M, label: 'd ys' }));
    b.push(await matmulOp(ctx, { A: dOut, B: ys, C: g('out_proj.weight'), M, N: E, K: TB, transA: true, label: 'd out_proj' }));
    b.push(...this.scanOps.backward);
    b.push(copyOp('d D', dD, g('D')));
    b.push(await aLogGradOp(ctx, dA, A, g('A_log')));
    b.push(await matmulOp(ctx, { A: ddelta, B: dtLow, C: g('dt_proj.weight'), M: E, N: R, K: TB, transA: true, label: 'd dt_proj' }));
    b.push(await matmulOp(ctx, { A: ddelta, B: p('dt_proj.weight'), C: dDtLow, M: TB, N: R, K: E, label: 'd dt_low' }));
    b.push(await matmulOp(ctx, { A: dDtLow, B: u, C: g('x_proj.weight'), M: R, N: E, K: TB, transA: true, label: 'd x_proj[Δ]' }));
    b.push(await matmulOp(ctx, { A: dBC, B: u, C: g('x_proj.weight'), M: 2 * N, N: E, K: TB, transA: true, cOffset: R * E, label: 'd x_proj[B,C]' }));
    b.push(await matmulOp(ctx, { A: dDtLow, B: p('x_proj.weight'), C: du, M: TB, N: E, K: R, accumulate: true, label: 'd u += Δ path' }));
    b.push(await matmulOp(ctx, { A: dBC, B: p('x_proj.weight'), C: du, M: TB, N: E, K: 2 * N, bOffset: R * E, accumulate: true, label: 'd u += B,C path' }));
    b.push(await activationGradOp(ctx, 'silu', convPre, du, dConvPre));
    b.push(...(await conv1dBackwardOps(ctx, conv, { x: xz, xl: xin, dy: dConvPre, yl: denseRows(E), weight: p('conv1d.weight'), dx: dxz, dWeight: g('conv1d.weight'), dBias: g('conv1d.bias') })));
    b.push(await matmulOp(ctx, { A: dxz, B: io.x, C: g('in_proj.weight'), M: 2 * E, N: M, K: TB, transA: true, label: 'd in_proj' }));
    if (io.dx) b.push(await matmulOp(ctx, { A: dxz, B: p('in_proj.weight'), C: io.dx, M: TB, N: M, K: 2 * E, label: 'd x' }));
  }

  /** How the selective scan runs: its algorithm, chunks and combine. */
  get schedule(): string {
    return describeScanPlan(this.scanOps.plan);
  }

  /** Op writing (T, E) Δ = softplus(delta + bias) of one sample into `out`, as the last forward used it. */
  deltaProbeOp(sample: number, out: Tensor): Promise<StepOp> {
    const { T, B } = this;
    const bias = this.scanOps.plan.offsets.bias;
    return deltaProbeOp(this.ctx, { T, batch: B, channels: this.dims.dInner, sample }, this.delta, this.scanOps.workspace, bias, out);
  }

  /** Op writing (T, E) ‖h_t[d, :]‖ of one sample into `out`: the size of each channel's state by step. */
  stateNormProbeOp(sample: number, out: Tensor): Promise<StepOp> {
    return this.scanOps.stateNormProbeOp(sample, out);
  }

  destroy(): void {
    this.scanOps?.destroy();
    for (const t of this.owned) t.buffer.destroy();
  }
}

// ---------------------------------------------------------------- the encoder

export interface MambaEncoderIO {
  params: Slab;
  /** Absent: the encoder records its forward pass only (inference), with no gradient buffers. */
  grads?: Slab;
  /** Prefix of the encoder's parameters in the slabs ('encoder.' in the trainer). */
  prefix: string;
  x: Tensor; //   (T, B, I)
  dx?: Tensor; // (T, B, I) written when given
  /** Forward only: every block carries its state from one forward to the next (see MambaStream). */
  stream?: boolean;
}

export class MambaEncoder {
  readonly blocks: MambaBlock[] = [];
  /** Residual stream s_0 .. s_N (T, B, M) and its gradients; s_0 is the embedding. */
  readonly streams: Tensor[] = [];
  readonly dStreams: Tensor[] = [];
  readonly out: Tensor;
  /** The gradient of `out`; a forward-only encoder has none (a zero-size stand-in). */
  readonly dOut: Tensor;
  /** Streaming only: the ops that start a new sequence (zero every block's carried state). */
  readonly reset: StepOp[] = [];
  private readonly owned: Tensor[] = [];
  private readonly probes = new Map<string, { delta: Tensor; stateNorm: Tensor; ops: StepOp[]; sumsq: Tensor }>();

  private constructor(
    private readonly ctx: KernelContext,
    readonly cfg: MambaModelConfig,
    readonly T: number,
    readonly B: number,
    readonly backward: boolean,
  ) {
    const M = cfg.dModel;
    for (let k = 0; k <= cfg.numLayers; k++) {
      this.streams.push(this.alloc(`s_${k}`, [T, B, M]));
      if (backward) this.dStreams.push(this.alloc(`d_s_${k}`, [T, B, M]));
    }
    const stacked = cfg.numLayers > 1;
    this.out = stacked ? this.alloc('norm_f out', [T, B, M]) : this.streams[1];
    this.dOut = !backward ? this.alloc('no gradient', [0]) : stacked ? this.alloc('d norm_f out', [T, B, M]) : this.dStreams[1];
  }

  get outputSize(): number {
    return this.cfg.dModel;
  }

  private alloc(label: string, shape: number[]): Tensor {
    const t = createTensor(this.ctx.device, label, shape);
    this.owned.push(t);
    return t;
  }

  static async build(ctx: KernelContext, cfg: MambaModelConfig, T: number, B: number, io: MambaEncoderIO, tape: Tape, scan: ScanOptions = {}): Promise<MambaEncoder> {
    if (io.stream && io.grads) throw new Error('Mamba encoder: streaming is forward only (build it without gradients)');
    const enc = new MambaEncoder(ctx, cfg, T, B, !!io.grads);
    await enc.record(io, tape, scan);
    return enc;
  }

  private async record(io: MambaEncoderIO, tape: Tape, scan: ScanOptions): Promise<void> {
    const { ctx, cfg, T, B, streams: s, dStreams: ds } = this;
    const M = cfg.dModel;
    const I = cfg.inputSize;
    const TB = T * B;
    const dims = mambaDims(cfg);
    const p = (name: string) => io.params.tensor(`${io.prefix}${name}`);
    const grads = io.grads;
    const g = (name: string) => {
      if (!grads) throw new Error('Mamba encoder: no gradients in a forward-only encoder');
      return grads.tensor(`${io.prefix}${name}`);
    };
    // The backward ops of a piece, or none in a forward-only encoder.
    const backward = async (ops: () => Promise<StepOp[]>): Promise<StepOp[]> => (grads ? ops() : []);
    const blockIO = (prefix: string, x: Tensor, dx: Tensor | undefined, k: number, addToOut: boolean): MambaBlockIO => ({
      params: io.params,
      grads,
      prefix: `${io.prefix}${prefix}`,
      x,
      dx,
      out: s[k + 1],
      dOut: grads ? ds[k + 1] : undefined,
      addToOut,
      stream: io.stream,
    });

    tape.record(
      'embed',
      [
        await matmulOp(ctx, { A: io.x, B: p('embed.weight'), C: s[0], M: TB, N: M, K: I, transB: true, label: 'x·embedᵀ' }),
        await biasAddOp(ctx, s[0], p('embed.bias'), TB, M),
      ],
      await backward(async () => [
        await matmulOp(ctx, { A: ds[0], B: io.x, C: g('embed.weight'), M, N: I, K: TB, transA: true, label: 'd embed.weight' }),
        await biasGradOp(ctx, ds[0], g('embed.bias'), TB, M),
        ...(io.dx ? [await matmulOp(ctx, { A: ds[0], B: p('embed.weight'), C: io.dx, M: TB, N: I, K: M, label: 'd x' })] : []),
      ]),
    );

    if (cfg.numLayers === 1) {
      const block = await MambaBlock.build(ctx, dims, T, B, blockIO('mamba.', s[0], ds[0], 0, false), scan);
      this.blocks.push(block);
      this.reset.push(...block.reset);
      tape.record('mamba', block.forward, block.backward);
      return;
    }

    const norm = { rows: TB, width: M };
    for (let k = 0; k < cfg.numLayers; k++) {
      const normed = this.alloc(`normed_${k}`, [T, B, M]);
      const dNormed = grads ? this.alloc(`d_normed_${k}`, [T, B, M]) : undefined;
      const rstd = this.alloc(`rstd_${k}`, [T, B]);
      const w = `layers.${k}.norm.weight`;
      const block = await MambaBlock.build(ctx, dims, T, B, blockIO(mambaBlockPrefix(cfg, k), normed, dNormed, k, true), scan);
      this.blocks.push(block);
      this.reset.push(...block.reset);
      tape.record(
        `layers.${k}`,
        [await rmsNormForwardOp(ctx, norm, { x: s[k], weight: p(w), y: normed, rstd }), copyOp(`s_${k + 1} = s_${k} + …`, s[k], s[k + 1]), ...block.forward],
        await backward(async () => [
          ...block.backward,
          copyOp(`d s_${k} = d s_${k + 1} + …`, ds[k + 1], ds[k]),
          ...(await rmsNormBackwardOps(ctx, norm, { x: s[k], weight: p(w), rstd, dy: dNormed as Tensor, dx: ds[k], dWeight: g(w), accumulate: true })),
        ]),
      );
    }
    const rstd = this.alloc('rstd_f', [T, B]);
    const N = cfg.numLayers;
    tape.record(
      'norm_f',
      [await rmsNormForwardOp(ctx, norm, { x: s[N], weight: p('norm_f.weight'), y: this.out, rstd })],
      await backward(() => rmsNormBackwardOps(ctx, norm, { x: s[N], weight: p('norm_f.weight'), rstd, dy: this.dOut, dx: ds[N], dWeight: g('norm_f.weight') })),
    );
  }

  /**
   * Probes of block `layer` for one sample: hidden = the block's output s_{layer+1} per step,
   * gates.delta = its Δ (T, d_inner), gates['|h|'] = the norm of each channel's state
   * ‖h_t[d, :]‖ (T, d_inner), and ‖∂L/∂s_layer‖² summed over the batch per step.
   */
  async probeViews(sample: number, layer: number): Promise<ProbeViews> {
    if (!this.backward) throw new Error('Mamba encoder: probes need the backward pass (a forward-only encoder has no gradients)');
    const { T, B, cfg } = this;
    const M = cfg.dModel;
    const E = this.blocks[0].dims.dInner;
    const l = Math.min(Math.max(layer, 0), cfg.numLayers - 1);
    const b = Math.min(Math.max(sample, 0), B - 1);
    const key = `${l}:${b}`;
    let probe = this.probes.get(key);
    if (!probe) {
      const delta = this.alloc(`Δ probe l${l} b${b}`, [T, E]);
      const stateNorm = this.alloc(`|h| probe l${l} b${b}`, [T, E]);
      const sumsq = this.alloc(`grad norm by time l${l} b${b}`, [T]);
      const segments = Array.from({ length: T }, (_, t) => ({ offset: t * B * M, length: B * M }));
      // ‖∂L/∂x_t‖ at the block's input: what reaches step t back through the conv and the scan
      // (the block's output gradient is only the loss at t itself, with no recurrence behind it).
      const ops = [
        await this.blocks[l].deltaProbeOp(b, delta),
        await this.blocks[l].stateNormProbeOp(b, stateNorm),
        await segmentReduceOp(this.ctx, 'sumsq', this.dStreams[l], segments, sumsq),
      ];
      probe = { delta, stateNorm, sumsq, ops };
      this.probes.set(key, probe);
    }
    const view = (t: Tensor, at: number, size: number, label: string): Tensor => ({ ...t, offset: t.offset + at * F32, size, label });
    const steps = Array.from({ length: T }, (_, t) => t);
    const hidden = this.streams[l + 1];
    const { delta, stateNorm } = probe;
    return {
      T,
      units: M,
      hidden: steps.map((t) => view(hidden, (t * B + b) * M, M, 'hidden')),
      gates: {
        delta: { views: steps.map((t) => view(delta, t * E, E, 'Δ')), width: E },
        '|h|': { views: steps.map((t) => view(stateNorm, t * E, E, '|h|')), width: E },
      },
      gateNames: [],
      gradNormOps: probe.ops,
      gradNormSumsq: probe.sumsq,
    };
  }

  get schedule(): string {
    return this.blocks[0].schedule;
  }

  destroy(): void {
    for (const block of this.blocks) block.destroy();
    for (const t of this.owned) t.buffer.destroy();
  }
}

// ---------------------------------------------------------------- streaming inference

export interface MambaStreamIO {
  params: Slab;
  /** Prefix of the encoder's parameters in the slab. */
  prefix: string;
}

/**
 * The encoder's forward pass over a sequence of any length (inference), `window` steps at a time:
 * every block carries its conv history and scan state from one window to the next, so the output
 * equals one pass over the whole sequence while the memory is that of one window. Each layer is
 * causal and per-step except the conv and the scan, which is why carrying those two is enough.
 */
export class MambaStream {
  /** (window, B, I) the window's input; (window, B, M) its output. */
  readonly x: Tensor;
  readonly out: Tensor;

  private constructor(
    readonly encoder: MambaEncoder,
    x: Tensor,
    readonly window: number,
    readonly batch: number,
    /** The forward of one window, continuing from the state the last one left. */
    readonly forward: readonly StepOp[],
  ) {
    this.x = x;
    this.out = encoder.out;
  }

  static async build(ctx: KernelContext, cfg: MambaModelConfig, window: number, batch: number, io: MambaStreamIO, scan: ScanOptions = {}): Promise<MambaStream> {
    if (!Number.isInteger(window) || window < 1) throw new Error(`Mamba stream: the window must be a positive number of steps, got ${window}`);
    if (window < cfg.dConv - 1) throw new Error(`Mamba stream: a window of ${window} steps is shorter than the conv's history (${cfg.dConv - 1} steps)`);
    const x = createTensor(ctx.device, 'stream x', [window, batch, cfg.inputSize]);
    const tape = new Tape();
    let encoder: MambaEncoder;
    try {
      encoder = await MambaEncoder.build(ctx, cfg, window, batch, { params: io.params, prefix: io.prefix, x, stream: true }, tape, scan);
    } catch (error) {
      x.buffer.destroy();
      throw error;
    }
    return new MambaStream(encoder, x, window, batch, tape.forwardOps());
  }

  /** Zero every block's carried state: the next window is the start of a new sequence. */
  get reset(): StepOp[] {
    return this.encoder.reset;
  }

  /**
   * The ops of a whole sequence, one list per window (submit each as its own command buffer):
   * `input` (L, B, I) → `output` (L, B, M) when given (else the last window's output stays in
   * `out`). A last window shorter than `window` is zero-padded; steps past L are never copied out,
   * and being later in time they change nothing before them.
   */
  sequenceOps(input: Tensor, L: number, output?: Tensor): StepOp[][] {
    const { batch: B, window: W } = this;
    const I = this.encoder.cfg.inputSize;
    const M = this.encoder.cfg.dModel;
    if (input.size < L * B * I) throw new Error(`Mamba stream: ${input.label} holds ${input.size} values, ${L} steps need ${L * B * I}`);
    if (output && output.size < L * B * M) throw new Error(`Mamba stream: ${output.label} holds ${output.size} values, ${L} steps need ${L * B * M}`);
    const rowsOf = (t: Tensor, width: number, from: number, count: number): Tensor => ({ ...t, offset: t.offset + from * B * width * F32, size: count * B * width });
    const windows: StepOp[][] = [];
    for (let t0 = 0; t0 < L; t0 += W) {
      const n = Math.min(W, L - t0);
      const ops: StepOp[] = t0 === 0 ? [...this.reset] : [];
      if (n < W) ops.push(clearOp('stream x (padding)', this.x));
      ops.push(copyOp(`x[${t0}:${t0 + n}]`, rowsOf(input, I, t0, n), this.x, n * B * I));
      ops.push(...this.forward);
      if (output) ops.push(copyOp(`out[${t0}:${t0 + n}]`, this.out, rowsOf(output, M, t0, n), n * B * M));
      windows.push(ops);
    }
    return windows;
  }

  destroy(): void {
    this.encoder.destroy();
    this.x.buffer.destroy();
  }
}
