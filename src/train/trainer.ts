// The trainer: encoder + linear head + loss + gradient clipping + optimizer, recorded once per
// shape on a tape, then run as one command encoder and one submit per training step, with no
// await inside. Losses and gradient norms come back asynchronously through a ring of staging
// buffers; when all are busy a readback is skipped, never waited for.

import { clearOp, copyOp, encodeOps, runOps, type StepOp } from '../gpu/dispatch';
import { AsyncReader, readTensor } from '../gpu/readback';
import { createTensor, F32, packSlab, Slab, slabLayout, unpackSlab, writeTensor, type SlabLayout, type Tensor } from '../gpu/tensor';
import { Random } from '../data/random';
import { biasAddOp, biasGradOp, matmulOp } from '../kernels/linear';
import { inverseTargetCount, lossOp, type LossKind } from '../kernels/loss';
import { totalReduceOps } from '../kernels/reduce';
import type { KernelContext } from '../kernels/registry';
import { modelSpec, type Encoder, type ModelConfig } from '../models';
import { engineOf } from '../models/registry';
import { batchToTime } from '../models/layout';
import { Optimizer, type OptimizerConfig } from './optimizers';
import { Tape } from './tape';

export type TaskKind = 'many-to-many' | 'many-to-one';

export interface TrainerConfig {
  model: ModelConfig;
  /** Features per step in the input. */
  inputSize: number;
  /** Head outputs: values for MSE, classes for cross-entropy. */
  outputSize: number;
  task: TaskKind;
  loss: LossKind;
  batch: number;
  /** Steps per training step: the whole sequence, or the truncated-BPTT chunk length. */
  seqLen: number;
  optimizer: OptimizerConfig;
  /** Clip the global gradient norm to this value; 0 turns clipping off. */
  clipNorm: number;
  /** Truncated BPTT: carry the final state into the next step (gradients stop at the boundary). */
  carryState: boolean;
  seed: number;
}

export interface StepStats {
  step: number;
  loss: number;
  gradNorm: number;
  clipScale: number;
  /** The gradient was NaN or infinite: the optimizer skipped this step. */
  nonFinite: boolean;
  /** ‖∂L/∂θ‖ per parameter (PyTorch names). */
  paramNorms: Record<string, number>;
}

export const HEAD_PREFIX = 'head.';
export const ENCODER_PREFIX = 'encoder.';

export class Trainer {
  readonly layout: SlabLayout;
  readonly params: Slab;
  readonly grads: Slab;
  readonly x: Tensor;
  readonly target: Tensor;
  readonly pred: Tensor;
  readonly loss: Tensor;
  readonly encoder: Encoder;
  readonly optimizer: Optimizer;
  readonly tape: Tape;
  private readonly forwardOps: StepOp[];
  private readonly stepOps: StepOp[];
  private readonly carryOps: StepOp[];
  private readonly reader: AsyncReader;
  private readonly owned: Tensor[];
  private readonly state: { h: Tensor; c: Tensor | null } | null;
  /** Cross-entropy: the mean is over the targets that are not ignored, counted per batch. */
  private readonly setLossCount: ((inverseCount: number) => void) | null;
  private lossInverseCount = NaN;

  private constructor(
    readonly ctx: KernelContext,
    readonly cfg: TrainerConfig,
    parts: {
      layout: SlabLayout;
      params: Slab;
      grads: Slab;
      x: Tensor;
      target: Tensor;
      pred: Tensor;
      loss: Tensor;
      encoder: Encoder;
      optimizer: Optimizer;
      tape: Tape;
      forwardOps: StepOp[];
      stepOps: StepOp[];
      carryOps: StepOp[];
      owned: Tensor[];
      state: { h: Tensor; c: Tensor | null } | null;
      lossCount: ((inverseCount: number) => void) | null;
    },
  ) {
    this.setLossCount = parts.lossCount;
    this.layout = parts.layout;
    this.params = parts.params;
    this.grads = parts.grads;
    this.x = parts.x;
    this.target = parts.target;
    this.pred = parts.pred;
    this.loss = parts.loss;
    this.encoder = parts.encoder;
    this.optimizer = parts.optimizer;
    this.tape = parts.tape;
    this.forwardOps = parts.forwardOps;
    this.stepOps = parts.stepOps;
    this.carryOps = parts.carryOps;
    this.owned = parts.owned;
    this.state = parts.state;
    const statBytes = (1 + 3 + this.optimizer.segmentSumsq.size) * F32;
    this.reader = new AsyncReader(ctx.device, statBytes, 3);
  }

  /** Head rows: one per (t, b) for many-to-many, one per sequence for many-to-one. */
  get rows(): number {
    return this.cfg.task === 'many-to-many' ? this.cfg.seqLen * this.cfg.batch : this.cfg.batch;
  }

  static parameterShapes(cfg: TrainerConfig): Array<[string, number[]]> {
    const spec = modelSpec(cfg.model);
    const encoderShapes = spec.parameterShapes().map(([n, s]) => [`${ENCODER_PREFIX}${n}`, s] as [string, number[]]);
    const features = encoderOutputSize(cfg.model);
    return [...encoderShapes, [`${HEAD_PREFIX}weight`, [cfg.outputSize, features]], [`${HEAD_PREFIX}bias`, [cfg.outputSize]]];
  }

  /** Initial parameters from the seed: the model's own initialisation, nn.Linear's for the head. */
  static initialParameters(cfg: TrainerConfig): Record<string, Float32Array> {
    const rng = new Random(cfg.seed);
    const out: Record<string, Float32Array> = {};
    for (const [k, v] of Object.entries(modelSpec(cfg.model).init(rng))) out[`${ENCODER_PREFIX}${k}`] = v;
    const fanIn = encoderOutputSize(cfg.model);
    const bound = 1 / Math.sqrt(fanIn);
    out[`${HEAD_PREFIX}weight`] = Float32Array.from({ length: cfg.outputSize * fanIn }, () => rng.uniform(-bound, bound));
    out[`${HEAD_PREFIX}bias`] = Float32Array.from({ length: cfg.outputSize }, () => rng.uniform(-bound, bound));
    return out;
  }

  static async create(ctx: KernelContext, cfg: TrainerConfig, initial?: Record<string, ArrayLike<number>>): Promise<Trainer> {
    const { device } = ctx;
    const T = cfg.seqLen;
    const B = cfg.batch;
    const spec = modelSpec(cfg.model);
    const layout = slabLayout(Trainer.parameterShapes(cfg), device.limits.minStorageBufferOffsetAlignment);
    const params = new Slab(device, 'params', layout);
    const grads = new Slab(device, 'grads', layout);
    writeTensor(device, params.all(), packSlab(layout, initial ?? Trainer.initialParameters(cfg)));

    const owned: Tensor[] = [];
    const alloc = (label: string, shape: number[]) => {
      const t = createTensor(device, label, shape);
      owned.push(t);
      return t;
    };
    const x = alloc('x', [T, B, cfg.inputSize]);
    const stateShape = cfg.carryState ? spec.stateShape() : null;
    const state = stateShape
      ? { h: alloc('carried h', [stateShape.rows, B, stateShape.hidden]), c: stateShape.cell ? alloc('carried c', [stateShape.rows, B, stateShape.hidden]) : null }
      : null;

    const tape = new Tape();
    const encoder = await spec.build(ctx, T, B, { params, grads, prefix: ENCODER_PREFIX, x, h0: state?.h, c0: state?.c ?? undefined }, tape);

    // Head: a linear layer on every step, or on the last step only.
    const F = encoder.outputSize;
    const O = cfg.outputSize;
    const manyToOne = cfg.task === 'many-to-one';
    const rows = manyToOne ? B : T * B;
    const lastStep = manyToOne ? (T - 1) * B * F : 0;
    const pred = alloc('pred', [rows, O]);
    const dPred = alloc('d_pred', [rows, O]);
    const target = alloc('target', cfg.loss === 'mse' ? [rows, O] : [rows]);
    const terms = alloc('loss terms', [cfg.loss === 'mse' ? rows * O : rows]);
    const loss = alloc('loss', [1]);
    const W = params.tensor(`${HEAD_PREFIX}weight`);
    const bias = params.tensor(`${HEAD_PREFIX}bias`);
    const headForward: StepOp[] = [
      await matmulOp(ctx, { A: encoder.out, B: W, C: pred, M: rows, N: O, K: F, transB: true, aOffset: lastStep, label: 'head' }),
      await biasAddOp(ctx, pred, bias, rows, O),
    ];
    const headBackward: StepOp[] = [
      await matmulOp(ctx, { A: dPred, B: encoder.out, C: grads.tensor(`${HEAD_PREFIX}weight`), M: O, N: F, K: rows, transA: true, bOffset: lastStep, label: 'd head.weight' }),
      await biasGradOp(ctx, dPred, grads.tensor(`${HEAD_PREFIX}bias`), rows, O),
      ...(manyToOne ? [clearOp('clear d_out', encoder.dOut)] : []),
      await matmulOp(ctx, { A: dPred, B: W, C: encoder.dOut, M: rows, N: F, K: O, cOffset: lastStep, label: 'd features' }),
    ];
    tape.record('head', headForward, headBackward);
    const inverseCount = cfg.loss === 'mse' ? 1 / (rows * O) : 1 / rows;
    const lossCompute = await lossOp(ctx, cfg.loss, { pred, target, grad: dPred, terms }, { rows, classes: O }, inverseCount);
    const lossCount = cfg.loss === 'cross_entropy' ? lossCompute.setInverseCount : null;
    const lossSum = await totalReduceOps(ctx, 'sum', terms, loss);
    owned.push(lossSum.partials);
    // The loss op writes ∂L/∂pred as it goes, so the backward of the loss is already done.
    tape.record(cfg.loss, [lossCompute.op, ...lossSum.ops]);

    const optimizer = await Optimizer.create(ctx, layout, params, grads, cfg.optimizer, cfg.clipNorm);
    const carry: StepOp[] = [];
    if (state && encoder.hN) {
      carry.push(copyOp('carry h', encoder.hN, state.h));
      if (state.c && encoder.cN) carry.push(copyOp('carry c', encoder.cN, state.c));
    }
    const forwardOps = tape.forwardOps();
    const stepOps = [...forwardOps, ...tape.backwardOps(), ...optimizer.ops, ...carry];
    return new Trainer(ctx, cfg, { layout, params, grads, x, target, pred, loss, encoder, optimizer, tape, forwardOps, stepOps, carryOps: carry, owned, state, lossCount });
  }

  /**
   * Uploads a batch. x is batch-first (B, T, I); targets are (B, T, O) or (B, T) class ids for
   * many-to-many, (B, O) or (B) for many-to-one. Written before the next submit, so the step
   * after this call sees it.
   */
  setBatch(x: ArrayLike<number>, y: ArrayLike<number>): void {
    const { batch: B, seqLen: T, inputSize: I, outputSize: O } = this.cfg;
    writeTensor(this.ctx.device, this.x, batchToTime(x, B, T, I));
    const perStep = this.cfg.loss === 'mse' ? O : 1;
    writeTensor(this.ctx.device, this.target, this.cfg.task === 'many-to-many' ? batchToTime(y, B, T, perStep) : y);
    if (this.setLossCount) {
      const inv = inverseTargetCount(y);
      if (inv !== this.lossInverseCount) this.setLossCount(inv);
      this.lossInverseCount = inv;
    }
  }

  /** Zeroes the carried state (the start of a new sequence under truncated BPTT). */
  resetState(): void {
    if (!this.state) return;
    writeTensor(this.ctx.device, this.state.h, new Float32Array(this.state.h.size));
    if (this.state.c) writeTensor(this.ctx.device, this.state.c, new Float32Array(this.state.c.size));
  }

  /**
   * One training step: forward, BPTT, gradient norm, clipping and the update in one submit.
   * `onStats` is called later with this step's loss and norms, unless the readback ring was busy.
   */
  step(onStats?: (stats: StepStats) => void, extra?: (encoder: GPUCommandEncoder) => void): number {
    const step = this.optimizer.beginStep();
    const encoder = this.ctx.device.createCommandEncoder({ label: `step ${step}` });
    encodeOps(encoder, this.stepOps);
    extra?.(encoder);
    let after: (() => void) | null = null;
    if (onStats) {
      let loss = NaN;
      let stats: Float32Array = new Float32Array(3);
      after = this.reader.record(encoder, [
        { tensor: this.loss, onData: (d) => (loss = d[0]) },
        { tensor: this.optimizer.stats, onData: (d) => (stats = d) },
        {
          tensor: this.optimizer.segmentSumsq,
          onData: (d) => {
            onStats({ step, loss, clipScale: stats[0], gradNorm: stats[1], nonFinite: stats[2] !== 0 || !Number.isFinite(loss), paramNorms: this.optimizer.normsByParam(d) });
          },
        },
      ]);
    }
    this.ctx.device.queue.submit([encoder.finish()]);
    after?.();
    return step;
  }

  /** Forward pass and loss only (validation); awaits the result, so call it between steps. */
  async evaluate(x: ArrayLike<number>, y: ArrayLike<number>): Promise<{ loss: number; pred: Float32Array }> {
    this.setBatch(x, y);
    await runOps(this.ctx.device, this.forwardOps);
    const [loss] = await readTensor(this.ctx.device, this.loss);
    return { loss, pred: await readTensor(this.ctx.device, this.pred) };
  }

  /**
   * Forward only, carrying the state on (with carryState): feeds x (B, T, I) and returns the head's
   * outputs (rows, O). Generating text one character at a time is this, in a loop.
   */
  async infer(x: ArrayLike<number>): Promise<Float32Array> {
    const { batch: B, seqLen: T, inputSize: I } = this.cfg;
    writeTensor(this.ctx.device, this.x, batchToTime(x, B, T, I));
    await runOps(this.ctx.device, [...this.forwardOps, ...this.carryOps]);
    return readTensor(this.ctx.device, this.pred);
  }

  async readParams(): Promise<Record<string, Float32Array>> {
    return unpackSlab(this.layout, await readTensor(this.ctx.device, this.params.all()));
  }

  writeParams(values: Record<string, ArrayLike<number>>): void {
    writeTensor(this.ctx.device, this.params.all(), packSlab(this.layout, values));
  }

  /** Resolves once the step readbacks in flight have landed (see src/gpu/lifetime.ts). */
  idle(): Promise<void> {
    return this.reader.settled();
  }

  destroy(): void {
    this.encoder.destroy();
    this.optimizer.destroy();
    this.reader.destroy();
    this.params.destroy();
    this.grads.destroy();
    for (const t of this.owned) t.buffer.destroy();
  }
}

export function encoderOutputSize(model: ModelConfig): number {
  return engineOf(model).outputSize(model);
}
