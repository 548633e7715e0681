// Host side of shaders/recurrent.wgsl: one layer, one direction, forward or BPTT over a range of
// processing steps, in one of two schedules chosen by size.

import { makeOp, packUniform, type StepOp, type UniformField } from '../gpu/dispatch';
import type { Tensor } from '../gpu/tensor';
import { KERNELS, type KernelContext } from './registry';

import type { CellKind } from '../models/recurrentParams';

export { GATE_COUNT, type CellKind } from '../models/recurrentParams';

export const CELL_CODE: Record<CellKind, number> = { rnn_tanh: 0, lstm: 1, gru: 2 };

/**
 * 'persistent': one workgroup per sequence runs every step in one dispatch. 'stepwise': one
 * dispatch per step over tiles of units and batch rows. See shaders/recurrent.wgsl.
 */
export type RecurrentSchedule = 'persistent' | 'stepwise';

/** Units and batch rows of a stepwise tile (WG and TILE_B in recurrent.wgsl). */
export const STEPWISE_UNITS = 64;
export const STEPWISE_ROWS = 8;

/**
 * The schedule for H units on a device. Measured on an H200 (bench/RESULTS.md, the *-persistent
 * and *-stepwise rows), persistent won at every configuration tried, ten of them: 4 to 10x
 * faster from (batch 32, hidden 128) to (128, 512), 21x at (1, 64), and still 2.5x at (128, 1024),
 * where its B workgroups read 2 GiB of W_hh from the cache at every step (about 8 TB/s). Stepwise
 * pays a launch per step, and its 64-lane workgroups have little to hide a load's latency with.
 * So persistent, unless its workgroup memory (persistentStorageBytes) does not fit the device:
 * H over 682 with the default 16 KiB, over 2048 with the H200's 48 KiB. Stepwise has no such
 * limit (its tiles are fixed) and stays selectable (RecurrentConfig.schedule).
 */
export function chooseSchedule(H: number, limits: Pick<LayoutLimits, 'maxComputeWorkgroupStorageSize'>): RecurrentSchedule {
  return persistentStorageBytes(H, 1) <= limits.maxComputeWorkgroupStorageSize ? 'persistent' : 'stepwise';
}

export interface RecurrentShape {
  cell: CellKind;
  T: number;
  B: number;
  H: number;
  reverse: boolean;
  /** Row length of the layer output (H, or 2H when bidirectional) and this direction's column. */
  outStride: number;
  outOffset: number;
  schedule: RecurrentSchedule;
}

/** Where ∂L/∂c starts in the backward's carry buffer: after ∂L/∂h, on a 256-byte boundary. */
export function carryCellOffset(B: number, H: number): number {
  return Math.ceil((B * H) / 64) * 64;
}

/** A persistent workgroup: `lanes` invocations in `split` slices of lanes / split (recurrent.wgsl). */
export interface PersistentLayout {
  lanes: number;
  split: number;
}

/** The limits a persistent layout must fit (GPUSupportedLimits has them all). */
export interface LayoutLimits {
  maxComputeInvocationsPerWorkgroup: number;
  maxComputeWorkgroupSizeX: number;
  maxComputeWorkgroupStorageSize: number;
}

/** Workgroup memory of the persistent forward, the larger of the two: h_{t-1} and h_t, a vec4 per slice and unit. */
export function persistentStorageBytes(H: number, split: number): number {
  return 8 * H + 16 * split * H;
}

/**
 * Lanes and slices of the persistent kernels for H units. A slice has a lane per unit (the
 * next power of two), up to the device's lanes per workgroup (at most 1024); the rest of the
 * lanes become more slices, so each lane's chain of dependent loads per step is about H/split:
 * at most one slice per 4 units (adding the partial sums is a pass of its own), and no more
 * than the workgroup memory holds.
 */
export function persistentLayout(H: number, limits: LayoutLimits): PersistentLayout {
  const maxLanes = Math.min(1024, limits.maxComputeInvocationsPerWorkgroup, limits.maxComputeWorkgroupSizeX);
  let units = 1;
  while (units < H && units * 2 <= maxLanes) units *= 2;
  let split = 1;
  while (units * split * 2 <= maxLanes && split * 2 * 4 <= H && persistentStorageBytes(H, split * 2) <= limits.maxComputeWorkgroupStorageSize) split *= 2;
  return { lanes: units * split, split };
}

/** How a schedule runs for a shape on this device: the shader's constants, the grid, and in words. */
interface Launch {
  constants: Record<string, number | boolean>;
  grid: readonly [number, number];
  detail: string;
}

function launchOf(ctx: KernelContext, s: RecurrentShape): Launch {
  const common = { CELL: CELL_CODE[s.cell], HIDDEN: s.H, REVERSE: s.reverse };
  if (s.schedule === 'stepwise') {
    return {
      constants: { ...common, WG: STEPWISE_UNITS },
      grid: [Math.ceil(s.H / STEPWISE_UNITS), Math.ceil(s.B / STEPWISE_ROWS)],
      detail: `one dispatch per step over tiles of ${STEPWISE_UNITS} units × ${STEPWISE_ROWS} sequences`,
    };
  }
  const { lanes, split } = persistentLayout(s.H, ctx.device.limits);
  return {
    constants: { ...common, WG: lanes, SPLIT: split },
    grid: [s.B, 1],
    detail: `one workgroup per sequence (${lanes} lanes in ${split} slice${split === 1 ? '' : 's'}), all steps in one dispatch`,
  };
}

/** `fold_s` of a dispatch that folds no step's W_hhᵀ term (NO_STEP in the shader). */
const NO_STEP = 0xffffffff;

/** One dispatch's StepParams: processing steps [sBegin, sBegin + sCount), and the step to fold first. */
type Entry = readonly [sBegin: number, sCount: number, foldS: number];

function fields(s: RecurrentShape, [sBegin, sCount, foldS]: Entry): UniformField[] {
  return [
    ['u32', s.T],
    ['u32', s.B],
    ['u32', sBegin],
    ['u32', sCount],
    ['u32', s.outStride],
    ['u32', s.outOffset],
    ['u32', carryCellOffset(s.B, s.H)],
    ['u32', foldS],
  ];
}

/** The forward or backward recurrence of one layer and direction. */
export interface RecurrentPass {
  readonly schedule: RecurrentSchedule;
  /** How the schedule runs on this device, in words (the model card shows it). */
  readonly detail: string;
  /**
   * The ops that run processing steps [begin, begin + count) (all T steps for training; one for
   * BPTT step-through), encoded in order. Recorded once per range and cached: each range has
   * its own parameters, so ranges never disturb one another.
   */
  range(begin: number, count: number): StepOp[];
  destroy(): void;
}

class Pass implements RecurrentPass {
  private readonly ranges = new Map<string, StepOp[]>();
  private readonly buffers: GPUBuffer[] = [];

  constructor(
    private readonly ctx: KernelContext,
    private readonly pipeline: GPUComputePipeline,
    private readonly label: string,
    private readonly shape: RecurrentShape,
    private readonly resources: Tensor[],
    private readonly entries: (begin: number, count: number) => Entry[],
    private readonly launch: Launch,
  ) {}

  get detail(): string {
    return this.launch.detail;
  }

  get schedule(): RecurrentSchedule {
    return this.shape.schedule;
  }

  range(begin: number, count: number): StepOp[] {
    const { T } = this.shape;
    if (!Number.isInteger(begin) || !Number.isInteger(count) || begin < 0 || count < 1 || begin + count > T) {
      throw new Error(`${this.label}: steps [${begin}, ${begin + count}) are not within the ${T} steps of the sequence`);
    }
    const key = `${begin}+${count}`;
    let ops = this.ranges.get(key);
    if (!ops) {
      ops = this.record(begin, count);
      this.ranges.set(key, ops);
    }
    return ops;
  }

  /** One uniform buffer per range, an entry per dispatch at the device's uniform offset alignment. */
  private record(begin: number, count: number): StepOp[] {
    const { device } = this.ctx;
    const list = this.entries(begin, count);
    const bytes = packUniform(fields(this.shape, list[0])).byteLength;
    const stride = Math.ceil(bytes / device.limits.minUniformBufferOffsetAlignment) * device.limits.minUniformBufferOffsetAlignment;
    const label = `${this.label} [${begin}, ${begin + count})`;
    const buffer = device.createBuffer({ label, size: list.length * stride, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
    this.buffers.push(buffer);
    const data = new Uint8Array(list.length * stride);
    list.forEach((e, i) => data.set(new Uint8Array(packUniform(fields(this.shape, e))), i * stride));
    device.queue.writeBuffer(buffer, 0, data);
    return list.map((_, i) => {
      const params: Tensor = { label: `${label} params ${i}`, buffer, offset: i * stride, shape: [bytes / 4], size: bytes / 4 };
      return makeOp(device, this.pipeline, label, [...this.resources, params], this.launch.grid);
    });
  }

  destroy(): void {
    for (const b of this.buffers) b.destroy();
    this.buffers.length = 0;
    this.ranges.clear();
  }
}

export async function recurrentForwardOp(
  ctx: KernelContext,
  s: RecurrentShape,
  t: { xw: Tensor; wHhT: Tensor; bHh: Tensor; states: Tensor; gates: Tensor; out: Tensor },
): Promise<RecurrentPass> {
  const stepwise = s.schedule === 'stepwise';
  const launch = launchOf(ctx, s);
  const pipeline = await ctx.pipelines.get(KERNELS.recurrent, stepwise ? 'forwardStep' : 'forward', launch.constants);
  const label = `${s.cell} forward${s.reverse ? ' reverse' : ''} (${s.schedule})`;
  const resources = [t.xw, t.wHhT, t.bHh, t.states, t.gates, t.out];
  if (!stepwise) return new Pass(ctx, pipeline, label, s, resources, (begin, count) => [[begin, count, NO_STEP]], launch);
  const entries = (begin: number, count: number): Entry[] => Array.from({ length: count }, (_, i) => [begin + i, 1, NO_STEP]);
  return new Pass(ctx, pipeline, label, s, resources, entries, launch);
}

export async function recurrentBackwardOp(
  ctx: KernelContext,
  s: RecurrentShape,
  t: { wHh: Tensor; states: Tensor; gates: Tensor; dOut: Tensor; dGi: Tensor; dGh: Tensor; carry: Tensor; dhProbe: Tensor },
): Promise<RecurrentPass> {
  const stepwise = s.schedule === 'stepwise';
  const launch = launchOf(ctx, s);
  const pipeline = await ctx.pipelines.get(KERNELS.recurrent, stepwise ? 'backwardStep' : 'backward', launch.constants);
  const label = `${s.cell} backward${s.reverse ? ' reverse' : ''} (${s.schedule})`;
  const resources = [t.wHh, t.states, t.gates, t.dOut, t.dGi, t.dGh, t.carry, t.dhProbe];
  if (!stepwise) return new Pass(ctx, pipeline, label, s, resources, (begin, count) => [[begin, count, NO_STEP]], launch);
  // Last step first; each dispatch folds the W_hhᵀ term of the step it follows, and a last one
  // folds that of the range's first step, so `carry` ends as ∂L/∂h before the range.
  const entries = (begin: number, count: number): Entry[] => {
    const list: Entry[] = [];
    for (let q = count - 1; q >= 0; q--) list.push([begin + q, 1, q === count - 1 ? NO_STEP : begin + q + 1]);
    list.push([begin, 0, begin]);
    return list;
  };
  return new Pass(ctx, pipeline, label, s, resources, entries, launch);
}
