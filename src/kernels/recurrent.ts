// Host side of shaders/recurrent.wgsl: one layer, one direction, forward or BPTT over a range of
// processing steps.

import { createUniform, makeOp, writeUniform, type GpuOp, type UniformField } from '../gpu/dispatch';
import type { Tensor } from '../gpu/tensor';
import { KERNELS, type KernelContext } from './registry';

import type { CellKind } from '../reference/recurrent';

export { GATE_COUNT, type CellKind } from '../reference/recurrent';

export const CELL_CODE: Record<CellKind, number> = { rnn_tanh: 0, lstm: 1, gru: 2 };

export interface RecurrentShape {
  cell: CellKind;
  T: number;
  B: number;
  H: number;
  reverse: boolean;
  /** Row length of the layer output (H, or 2H when bidirectional) and this direction's column. */
  outStride: number;
  outOffset: number;
}

/** Where ∂L/∂c starts in the backward's carry buffer: after ∂L/∂h, on a 256-byte boundary. */
export function carryCellOffset(B: number, H: number): number {
  return Math.ceil((B * H) / 64) * 64;
}

/** Lanes per workgroup: enough for the hidden units, at most 256 (the portable limit). */
export function lanesFor(H: number, maxInvocations = 256): number {
  let lanes = 32;
  while (lanes < H && lanes < Math.min(256, maxInvocations)) lanes *= 2;
  return lanes;
}

function constants(ctx: KernelContext, s: RecurrentShape) {
  return {
    CELL: CELL_CODE[s.cell],
    HIDDEN: s.H,
    REVERSE: s.reverse,
    WG: lanesFor(s.H, ctx.device.limits.maxComputeInvocationsPerWorkgroup),
  };
}

function fields(s: RecurrentShape, sBegin: number, sCount: number): UniformField[] {
  return [
    ['u32', s.T],
    ['u32', s.B],
    ['u32', sBegin],
    ['u32', sCount],
    ['u32', s.outStride],
    ['u32', s.outOffset],
    ['u32', carryCellOffset(s.B, s.H)],
  ];
}

export interface StepRangeOp {
  op: GpuOp;
  /** Points the op at processing steps [begin, begin + count) (written before the next submit). */
  setRange(begin: number, count: number): void;
}

function rangeOp(ctx: KernelContext, pipeline: GPUComputePipeline, label: string, s: RecurrentShape, resources: Array<Tensor | GPUBuffer>): StepRangeOp {
  const uniform = createUniform(ctx.device, label, fields(s, 0, s.T));
  const op = makeOp(ctx.device, pipeline, label, [...resources, uniform], [s.B]);
  return { op, setRange: (begin, count) => writeUniform(ctx.device, uniform, fields(s, begin, count)) };
}

export async function recurrentForwardOp(
  ctx: KernelContext,
  s: RecurrentShape,
  t: { xw: Tensor; wHhT: Tensor; bHh: Tensor; states: Tensor; gates: Tensor; out: Tensor },
): Promise<StepRangeOp> {
  const pipeline = await ctx.pipelines.get(KERNELS.recurrent, 'forward', constants(ctx, s));
  return rangeOp(ctx, pipeline, `${s.cell} forward${s.reverse ? ' reverse' : ''}`, s, [t.xw, t.wHhT, t.bHh, t.states, t.gates, t.out]);
}

export async function recurrentBackwardOp(
  ctx: KernelContext,
  s: RecurrentShape,
  t: { wHh: Tensor; states: Tensor; gates: Tensor; dOut: Tensor; dGi: Tensor; dGh: Tensor; carry: Tensor; dhProbe: Tensor },
): Promise<StepRangeOp> {
  const pipeline = await ctx.pipelines.get(KERNELS.recurrent, 'backward', constants(ctx, s));
  return rangeOp(ctx, pipeline, `${s.cell} backward${s.reverse ? ' reverse' : ''}`, s, [t.wHh, t.states, t.gates, t.dOut, t.dGi, t.dGh, t.carry, t.dhProbe]);
}
