// Mamba-1 on the GPU: the block of mamba_ssm (`mamba_simple.Mamba`, bias=False, conv_bias=True),
// forward and backward, recorded as ops on the tape. The encoder the trainer builds from blocks is
// ./mambaEncoder.ts, its streaming form ./mambaStream.ts. The float64 reference it is tested
// against is src/reference/mamba.ts.
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

import { clearOp, copyOp, type StepOp } from '../gpu/dispatch';
import { createTensor, F32, type Slab, type Tensor } from '../gpu/tensor';
import { activationGradOp, activationOp } from '../kernels/activations';
import { conv1dBackwardOps, conv1dForwardOp, denseRows } from '../kernels/conv1d';
import { matmulOp } from '../kernels/linear';
import { aFromLogOp, aLogGradOp, deltaProbeOp } from '../kernels/mamba';
import type { KernelContext } from '../kernels/registry';
import { describeScanPlan, selectiveScanOps, type ScanOps, type ScanOptions, type StridedLayout } from '../kernels/scan';
import type { MambaDims } from './mambaParams';

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
