// Mamba's forward pass over sequences of any length, one window at a time (inference).

import { clearOp, copyOp, type StepOp } from '../gpu/dispatch';
import { createTensor, F32, type Slab, type Tensor } from '../gpu/tensor';
import type { KernelContext } from '../kernels/registry';
import { type ScanOptions } from '../kernels/scan';
import { type MambaModelConfig } from './mambaParams';
import { Tape } from '../train/tape';

import { MambaEncoder } from './mambaEncoder';

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
