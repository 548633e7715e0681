// Mamba on the GPU as the trainer uses it: blocks of ./mamba.ts behind a linear embedding.
// The encoder the trainer uses (ModelConfig kind 'mamba'):
//   numLayers = 1:  embed (Linear I→M with bias) → Mamba, parameters `embed.*` and `mamba.*`,
//                   exactly the train_mamba fixture's encoder (no residual, no norm).
//   numLayers ≥ 2:  mamba_ssm's MixerModel with a Linear embedding: s_0 = embed(x),
//                   s_{k+1} = s_k + Mamba_k(RMSNorm_k(s_k)) (pre-norm residual, as its Block),
//                   out = RMSNorm_f(s_N); parameters `layers.{k}.mixer.*`, `layers.{k}.norm.weight`,
//                   `norm_f.weight`. Norm weights start at 1 and each out_proj is scaled by 1/√N,
//                   as mamba_ssm's _init_weights rescales prenorm residuals.

import { copyOp, type StepOp } from '../gpu/dispatch';
import { createTensor, F32, type Slab, type Tensor } from '../gpu/tensor';
import { biasAddOp, biasGradOp, matmulOp } from '../kernels/linear';
import { rmsNormBackwardOps, rmsNormForwardOp } from '../kernels/norm';
import { segmentReduceOp } from '../kernels/reduce';
import type { KernelContext } from '../kernels/registry';
import { type ScanOptions } from '../kernels/scan';
import { mambaBlockPrefix, mambaDims, type MambaModelConfig } from './mambaParams';
import { Tape } from '../train/tape';
import type { ProbeViews } from './recurrent';

import { MambaBlock, type MambaBlockIO } from './mamba';

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
