// Optimizers over a parameter slab, with PyTorch's semantics: gradient norm per parameter,
// clipping by the global norm, then Adam or SGD, all on the GPU in the step's own submit.

import { type StepOp } from '../gpu/dispatch';
import { readTensor } from '../gpu/readback';
import { createTensor, Slab, writeTensor, type SlabLayout, type Tensor } from '../gpu/tensor';
import { adamOp, ADAM_DEFAULTS, clipScaleOp, SGD_DEFAULTS, sgdOp, type AdamHyper, type SgdHyper, type SteppedOp } from '../kernels/optim';
import { chunkSegments, segmentReduceOp, type Segment } from '../kernels/reduce';
import type { KernelContext } from '../kernels/registry';

export type OptimizerConfig = ({ kind: 'adam' } & AdamHyper) | ({ kind: 'sgd' } & SgdHyper);

export function defaultOptimizer(kind: 'adam' | 'sgd', lr?: number): OptimizerConfig {
  return kind === 'adam' ? { kind, ...ADAM_DEFAULTS, lr: lr ?? ADAM_DEFAULTS.lr } : { kind, ...SGD_DEFAULTS, lr: lr ?? SGD_DEFAULTS.lr };
}

/**
 * What an optimizer carries from step to step, read back (a saved run): PyTorch's step count and
 * each state slab in the parameter slab's layout (Adam: exp_avg, exp_avg_sq; SGD: momentum_buffer).
 */
export interface OptimizerState {
  steps: number;
  slabs: Float32Array[];
}

export class Optimizer {
  /** [clip factor, global gradient norm, non-finite flag] */
  readonly stats: Tensor;
  /** Sum of squares of each gradient segment; `segmentParam[i]` names segment i's parameter. */
  readonly segmentSumsq: Tensor;
  readonly segmentParam: string[];
  readonly ops: StepOp[];
  private readonly state: Slab[];
  private readonly update: SteppedOp;
  private steps = 0;

  private constructor(parts: { stats: Tensor; segmentSumsq: Tensor; segmentParam: string[]; ops: StepOp[]; state: Slab[]; update: SteppedOp }) {
    this.stats = parts.stats;
    this.segmentSumsq = parts.segmentSumsq;
    this.segmentParam = parts.segmentParam;
    this.ops = parts.ops;
    this.state = parts.state;
    this.update = parts.update;
  }

  static async create(ctx: KernelContext, layout: SlabLayout, params: Slab, grads: Slab, cfg: OptimizerConfig, clipNorm: number): Promise<Optimizer> {
    const segments: Segment[] = [];
    const segmentParam: string[] = [];
    for (const f of layout.fields) {
      for (const s of chunkSegments(f.offset, f.size)) {
        segments.push(s);
        segmentParam.push(f.name);
      }
    }
    const segmentSumsq = createTensor(ctx.device, 'grad sumsq', [segments.length]);
    const stats = createTensor(ctx.device, 'optimizer stats', [3]);
    const ops: StepOp[] = [await segmentReduceOp(ctx, 'sumsq', grads.all(), segments, segmentSumsq), await clipScaleOp(ctx, segmentSumsq, segments.length, stats, clipNorm)];
    let update: SteppedOp;
    const state: Slab[] = [];
    if (cfg.kind === 'adam') {
      const m = new Slab(ctx.device, 'adam exp_avg', layout);
      const v = new Slab(ctx.device, 'adam exp_avg_sq', layout);
      state.push(m, v);
      update = await adamOp(ctx, { param: params.all(), grad: grads.all(), expAvg: m.all(), expAvgSq: v.all(), scale: stats }, cfg);
    } else {
      const buf = new Slab(ctx.device, 'sgd momentum_buffer', layout);
      state.push(buf);
      update = await sgdOp(ctx, { param: params.all(), grad: grads.all(), momentumBuffer: buf.all(), scale: stats }, cfg);
    }
    ops.push(update.op);
    return new Optimizer({ stats, segmentSumsq, segmentParam, ops, state, update });
  }

  /** Call once before encoding each step: advances PyTorch's step count (bias corrections). */
  beginStep(hyper?: Partial<AdamHyper & SgdHyper>): number {
    this.steps += 1;
    this.update.setStep(this.steps, hyper);
    return this.steps;
  }

  get stepCount(): number {
    return this.steps;
  }

  /** Reads the state back; call between steps (it waits for the GPU). */
  async readState(device: GPUDevice): Promise<OptimizerState> {
    const slabs: Float32Array[] = [];
    for (const slab of this.state) slabs.push(await readTensor(device, slab.all()));
    return { steps: this.steps, slabs };
  }

  /** Puts back a state read from an optimizer of the same kind and layout; the next step is `steps + 1`. */
  writeState(device: GPUDevice, saved: OptimizerState): void {
    if (saved.slabs.length !== this.state.length || saved.slabs.some((s, i) => s.length !== this.state[i].length)) {
      throw new Error(`The saved optimizer state does not fit this optimizer (${saved.slabs.length} slabs for ${this.state.length}).`);
    }
    this.state.forEach((slab, i) => writeTensor(device, slab.all(), saved.slabs[i]));
    this.steps = saved.steps;
  }

  /** Per-parameter gradient norms from a read-back copy of `segmentSumsq`. */
  normsByParam(sumsq: Float32Array): Record<string, number> {
    const out: Record<string, number> = {};
    this.segmentParam.forEach((name, i) => (out[name] = (out[name] ?? 0) + sumsq[i]));
    for (const k of Object.keys(out)) out[k] = Math.sqrt(out[k]);
    return out;
  }

  destroy(): void {
    for (const s of this.state) s.destroy();
    this.stats.buffer.destroy();
    this.segmentSumsq.buffer.destroy();
  }
}
