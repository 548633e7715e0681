// Host side of the linear-recurrence entry points of shaders/scan.wgsl: h_t = a_t·h_{t-1} + b_t
// over independent channels stored time-major (T, channels), or its adjoint (the backward pass,
// g_t = b_t + a_{t+1}·g_{t+1}), by the selective scan's chunked parallel scan or by the plain
// sequential kernel. minGRU and minLSTM run their recurrence with it; the equations and the
// adjoint's meaning are in the shader's "linear recurrence" section.

import { createUniform, grid1d, makeOp, type GpuOp, type Resource, type StepOp } from '../gpu/dispatch';
import { createTensor, type Tensor } from '../gpu/tensor';
import type { KernelContext } from './registry';
import type { RecurrentPass } from './recurrent';
import { scanKernel, type ScanAlgorithm, type ScanCombine } from './scan';
import { DEFAULT_SCAN_ITEMS, defaultScanThreads } from './scanLevels';

export interface LinearScanShape {
  /** Independent sequences (B·H for a recurrent layer). */
  channels: number;
  seqLen: number;
  /** The backward recurrence instead of the forward one. */
  adjoint: boolean;
}

export interface LinearScanTensors {
  a: Tensor; //    (T, channels)
  b: Tensor; //    (T, channels)
  /** (channels) h before step 0; adjoint: ∂L/∂h_{T-1} from after the sequence. */
  init: Tensor;
  /** (T, channels) written: h_t, or adjoint g_t = ∂L/∂h_t in total. */
  out: Tensor;
}

export interface LinearScanOptions {
  algorithm?: ScanAlgorithm;
  threads?: number;
  items?: number;
  combine?: ScanCombine;
}

export interface LinearScanPlan {
  algorithm: ScanAlgorithm;
  combine: ScanCombine;
  threads: number;
  items: number;
  chunkLen: number;
  numChunks: number;
}

export interface LinearScan {
  /** The whole sequence, by the planned algorithm. */
  ops: StepOp[];
  /**
   * The sequential kernel over a range of timesteps (any algorithm's `ops` leave the output it
   * continues from): for the adjoint, range(t, 1) takes g from t+1 to t, BPTT's step-through.
   */
  steps: RecurrentPass;
  plan: LinearScanPlan;
  /** The plan in words, for the model card. */
  detail: string;
  destroy(): void;
}

const FLAT = 64;
const MAX_GRID = 65535;

export function planLinearScan(shape: LinearScanShape, options: LinearScanOptions, maxThreads: number, subgroups: boolean): LinearScanPlan {
  const { channels, seqLen } = shape;
  if (![channels, seqLen].every((v) => Number.isInteger(v) && v >= 1)) throw new Error(`linear scan: bad shape ${JSON.stringify(shape)}`);
  const algorithm = options.algorithm ?? 'parallel';
  const combine = options.combine ?? (subgroups ? 'subgroups' : 'workgroup');
  if (combine === 'subgroups' && !subgroups) throw new Error("linear scan: the subgroup combine needs the device's 'subgroups' feature");
  const items = options.items ?? DEFAULT_SCAN_ITEMS;
  const threads = options.threads ?? defaultScanThreads(seqLen, items, maxThreads);
  if (threads > maxThreads) throw new Error(`linear scan: ${threads} threads per workgroup, the device allows ${maxThreads}`);
  const chunkLen = threads * items;
  return { algorithm, combine, threads, items, chunkLen, numChunks: algorithm === 'sequential' ? 1 : Math.ceil(seqLen / chunkLen) };
}

function describePlan(p: LinearScanPlan): string {
  if (p.algorithm === 'sequential') return 'sequential scan: one thread per sequence and unit';
  return `parallel scan: ${p.numChunks} chunk${p.numChunks > 1 ? 's' : ''} of ${p.threads} threads × ${p.items} steps per sequence and unit`;
}

/** Records the recurrence (or its adjoint) over every channel. */
export async function linearScanOps(ctx: KernelContext, shape: LinearScanShape, io: LinearScanTensors, options: LinearScanOptions = {}): Promise<LinearScan> {
  const { device } = ctx;
  const { channels: C, seqLen: T } = shape;
  const plan = planLinearScan(shape, options, device.limits.maxComputeInvocationsPerWorkgroup, device.features.has('subgroups'));
  for (const [name, t, n] of [['a', io.a, T * C], ['b', io.b, T * C], ['init', io.init, C], ['out', io.out, T * C]] as const) {
    if (t.size < n) throw new Error(`linear scan ${name}: ${t.label} holds ${t.size} values, needs ${n}`);
  }
  if (plan.numChunks > MAX_GRID) throw new Error(`linear scan: ${plan.numChunks} chunks exceed ${MAX_GRID} workgroups`);
  const gridY = Math.min(C, MAX_GRID);
  const gridZ = Math.ceil(C / gridY);
  const multi = plan.numChunks > 1;
  const totals = 0;
  const starts = 2 * C * plan.numChunks;
  const workspace = createTensor(device, 'linear scan workspace', [multi ? 3 * C * plan.numChunks : 1]);
  const uniforms: GPUBuffer[] = [];
  const uniform = (pBegin: number, pCount: number) => {
    const u = createUniform(device, `linear scan ${pBegin}+${pCount}`, [C, T, plan.chunkLen, plan.numChunks, gridY, totals, starts, pBegin, pCount, 0, 0, 0].map((v) => ['u32', v] as const));
    uniforms.push(u);
    return u;
  };
  const kernel = scanKernel(plan.items, plan.combine);
  const constants = { THREADS: plan.threads, ADJOINT: shape.adjoint };
  const label = `linear scan${shape.adjoint ? ' adjoint' : ''} c${C} L${T}`;
  // The bindings each entry point uses (an 'auto' layout has only those): 8 workspace, 23 params,
  // 24 a, 25 b, 26 init, 27 out.
  const USES: Record<string, number[]> = {
    linearChunkTotals: [8, 23, 24, 25],
    linearChunkCarries: [8, 23, 26],
    linearScanParallel: [8, 23, 24, 25, 26, 27],
    linearScanSequential: [23, 24, 25, 26, 27],
  };
  const resourcesOf = (entry: string, u: GPUBuffer): Array<Resource | null> => {
    const all: Record<number, Resource> = { 8: workspace, 23: u, 24: io.a, 25: io.b, 26: io.init, 27: io.out };
    return Array.from({ length: 28 }, (_, i) => (USES[entry].includes(i) ? all[i] : null));
  };
  const op = async (entry: string, u: GPUBuffer, groups: readonly [number, number?, number?]): Promise<GpuOp> =>
    makeOp(device, await ctx.pipelines.get(kernel, entry, constants), `${label} ${entry}`, resourcesOf(entry, u), groups);

  const whole = uniform(0, T);
  const ops: StepOp[] = [];
  if (plan.algorithm === 'sequential') {
    ops.push(await op('linearScanSequential', whole, grid1d(C, FLAT)));
  } else {
    const chunkGrid = [plan.numChunks, gridY, gridZ] as const;
    if (multi) {
      ops.push(await op('linearChunkTotals', whole, chunkGrid));
      ops.push(await op('linearChunkCarries', whole, grid1d(C, FLAT)));
    }
    ops.push(await op('linearScanParallel', whole, chunkGrid));
  }

  const sequential = await ctx.pipelines.get(kernel, 'linearScanSequential', constants);
  const ranges = new Map<string, StepOp[]>();
  const steps: RecurrentPass = {
    // One dispatch per range, as the recurrent layers' stepwise schedule walks BPTT.
    schedule: 'stepwise',
    detail: 'sequential scan over a range of steps',
    range(begin, count) {
      if (!Number.isInteger(begin) || !Number.isInteger(count) || begin < 0 || count < 1 || begin + count > T) {
        throw new Error(`${label}: steps [${begin}, ${begin + count}) are not within the ${T} steps of the sequence`);
      }
      const key = `${begin}+${count}`;
      let list = ranges.get(key);
      if (!list) {
        // Time range → positions: the adjoint walks time backwards.
        const pBegin = shape.adjoint ? T - begin - count : begin;
        list = [makeOp(device, sequential, `${label} steps [${begin}, ${begin + count})`, resourcesOf('linearScanSequential', uniform(pBegin, count)), grid1d(C, FLAT))];
        ranges.set(key, list);
      }
      return list;
    },
    destroy() {},
  };

  return {
    ops,
    steps,
    plan,
    detail: describePlan(plan),
    destroy() {
      workspace.buffer.destroy();
      for (const u of uniforms) u.destroy();
    },
  };
}
