// Host side of shaders/scan.wgsl: the Mamba-1 selective scan, forward and backward, as recorded
// ops. Two algorithms compute the same thing: 'sequential' (one thread walks the sequence; the
// readable one, for step-through) and 'parallel' (associative scan in chunks, multi-pass for long
// sequences). Both share one workspace buffer, laid out by `planScan`, that carries what the
// backward pass needs from the forward pass: chunk-start states, never a state per step. The
// parallel kernels combine their threads' runs through subgroup operations when the device has
// them, through workgroup memory otherwise (ScanCombine); the two are two variants of the module.

import mathWgsl from '../../shaders/math.wgsl?raw';
import scanWgsl from '../../shaders/scan.wgsl?raw';
import { copyOp, createUniform, grid1d, makeOp, type GpuOp, type Resource, type StepOp, type UniformField } from '../gpu/dispatch';
import type { KernelSource } from '../gpu/pipelines';
import { createTensor, type Tensor } from '../gpu/tensor';
import type { KernelContext } from './registry';
import { DEFAULT_SCAN_ITEMS, defaultScanThreads } from './scanLevels';

export type ScanAlgorithm = 'parallel' | 'sequential';

/**
 * How the parallel kernels combine the runs of a workgroup's threads: shuffles within subgroups
 * (with the 'subgroups' feature; the kernels still fall back to workgroup memory at run time when
 * a subgroup is partial) or a scan in workgroup memory alone. The sequential kernels use neither.
 */
export type ScanCombine = 'subgroups' | 'workgroup';

export interface ScanShape {
  batch: number;
  dInner: number;
  dState: number;
  seqLen: number;
  /** Δ = softplus(delta + deltaBias) when true (Mamba), delta + deltaBias otherwise. */
  deltaSoftplus: boolean;
}

/** Element (b, c, t) of a tensor is at offset + b·batch + c·channel + t·time (f32 elements). */
export interface StridedLayout {
  offset: number;
  batch: number;
  channel: number;
  time: number;
}

/** [batch, channels, L], the fixtures' layout. */
export function channelMajorLayout(channels: number, seqLen: number): StridedLayout {
  return { offset: 0, batch: channels * seqLen, channel: seqLen, time: 1 };
}

/** Columns [column, column + channels) of a [batch, L, rowWidth] tensor (a matmul's output). */
export function timeMajorLayout(seqLen: number, rowWidth: number, column = 0): StridedLayout {
  return { offset: column, batch: seqLen * rowWidth, channel: 1, time: rowWidth };
}

/** Layouts of the sequence tensors; du, ddelta, dz, dB, dC and dy follow u, delta, z, B, C and y. */
export interface ScanLayouts {
  u: StridedLayout;
  delta: StridedLayout;
  z: StridedLayout;
  y: StridedLayout;
  B: StridedLayout;
  C: StridedLayout;
}

export interface ScanTensors {
  u: Tensor; //          (batch, d_inner, L) by default, see ScanLayouts
  delta: Tensor; //      (batch, d_inner, L)
  z: Tensor; //          (batch, d_inner, L)
  A: Tensor; //          (d_inner, d_state)
  B: Tensor; //          (batch, d_state, L)
  C: Tensor; //          (batch, d_state, L)
  D: Tensor; //          (d_inner)
  deltaBias: Tensor; //  (d_inner)
  y: Tensor; //          (batch, d_inner, L) written
  lastState: Tensor; //  (batch, d_inner, d_state) written
  /**
   * (batch, d_inner, d_state) the state before step 0 (zeros when absent); it may be lastState
   * itself, so that each run continues the last (a long sequence streamed window by window).
   * Forward only: the backward pass does not differentiate through it.
   */
  initialState?: Tensor;
}

/** Gradients of sum(y·dy) + sum(lastState·dLastState); every one is overwritten, not accumulated. */
export interface ScanGradTensors {
  dy: Tensor;
  dLastState: Tensor; // (batch, d_inner, d_state)
  du: Tensor;
  ddelta: Tensor;
  dz: Tensor;
  dA: Tensor; //         (d_inner, d_state)
  dB: Tensor;
  dC: Tensor;
  dD: Tensor; //         (d_inner)
  dDeltaBias: Tensor; // (d_inner)
}

export interface ScanOptions {
  algorithm?: ScanAlgorithm;
  /** Threads per workgroup of the parallel kernels (default: enough for L, at most 256). */
  threads?: number;
  /** Steps each thread scans serially (default 4); a chunk is threads·items steps. */
  items?: number;
  /** Channels one backward workgroup covers (default: enough workgroups to fill a GPU, at most 8 groups). */
  channelsPerGroup?: number;
  /** Default: 'subgroups' when the device has them; tests force 'workgroup' to cover both. */
  combine?: ScanCombine;
  layouts?: Partial<ScanLayouts>;
}

const WORKSPACE_FIELDS = ['A', 'D', 'bias', 'dlast', 'pre', 'dout', 'states', 'totals', 'carry', 'partA', 'partD', 'partBias', 'partB', 'partC', 'hist', 'init'] as const;
type WorkspaceField = (typeof WORKSPACE_FIELDS)[number];

export interface ScanPlan {
  algorithm: ScanAlgorithm;
  combine: ScanCombine;
  threads: number;
  items: number;
  chunkLen: number;
  numChunks: number;
  groupSize: number;
  numGroups: number;
  /** Partial sums of dA, dD, dbias: one per (batch, chunk). */
  numParts: number;
  /** Offsets into the workspace (f32 elements) and its length. */
  offsets: Record<WorkspaceField, number>;
  workspaceSize: number;
}

const FLAT = 64; // workgroup size of the elementwise kernels in scan.wgsl

/** What planning needs to know of the device. */
export interface ScanDevice {
  /** maxComputeInvocationsPerWorkgroup; default 256. */
  maxThreads?: number;
  /** Whether the device has the 'subgroups' feature; default false. */
  subgroups?: boolean;
}

/** What the workspace must hold room for besides the forward pass's own needs. */
export interface ScanNeeds {
  /** The backward pass (saved pre-gate outputs, partial sums); default true. */
  backward?: boolean;
  /** A state before step 0 (ScanTensors.initialState); default false. */
  initialState?: boolean;
}

/** Chunking, channel groups and the workspace layout for a shape. */
export function planScan(shape: ScanShape, options: ScanOptions = {}, gpu: ScanDevice = {}, needs: ScanNeeds = {}): ScanPlan {
  const { batch, dInner: E, dState: N, seqLen: L } = shape;
  if ([batch, E, N, L].some((v) => !Number.isInteger(v) || v < 1)) throw new Error(`selective scan: bad shape ${JSON.stringify(shape)}`);
  const { maxThreads = 256, subgroups = false } = gpu;
  const algorithm = options.algorithm ?? 'parallel';
  const combine = options.combine ?? (subgroups ? 'subgroups' : 'workgroup');
  if (combine === 'subgroups' && !subgroups) throw new Error("selective scan: the subgroup combine needs the device's 'subgroups' feature, which it lacks");
  const items = options.items ?? DEFAULT_SCAN_ITEMS;
  const threads = options.threads ?? defaultScanThreads(L, items, maxThreads);
  if (threads > maxThreads) throw new Error(`selective scan: ${threads} threads per workgroup, the device allows ${maxThreads}`);
  const sequential = algorithm === 'sequential';
  const chunkLen = threads * items;
  const numChunks = sequential ? 1 : Math.ceil(L / chunkLen);
  const defaultGroups = Math.min(E, 8, Math.max(1, Math.ceil(64 / (batch * numChunks))));
  const groupSize = sequential ? E : Math.min(E, options.channelsPerGroup ?? Math.ceil(E / defaultGroups));
  const numGroups = Math.ceil(E / groupSize);
  const numParts = batch * numChunks;
  const states = batch * E * N;
  const back = (needs.backward ?? true) ? 1 : 0;
  const sizes: Record<WorkspaceField, number> = {
    A: E * N,
    D: E,
    bias: E,
    dlast: back * states,
    pre: back * batch * E * L,
    dout: back * batch * E * L,
    states: numChunks > 1 ? states * numChunks : 0,
    totals: numChunks > 1 ? 2 * states * numChunks : 0,
    carry: numChunks > 1 ? back * states * numChunks : 0,
    partA: back * numParts * E * N,
    partD: back * numParts * E,
    partBias: back * numParts * E,
    partB: back * numGroups * batch * N * L,
    partC: back * numGroups * batch * N * L,
    hist: sequential ? back * batch * L : 0,
    init: needs.initialState ? states : 0,
  };
  const offsets = {} as Record<WorkspaceField, number>;
  let at = 0;
  for (const f of WORKSPACE_FIELDS) {
    offsets[f] = at;
    at += sizes[f];
  }
  return { algorithm, combine, threads, items, chunkLen, numChunks, groupSize, numGroups, numParts, offsets, workspaceSize: at };
}

/** A plan in words: the algorithm, and for the parallel scan its chunks and combine (model card, bench notes). */
export function describeScanPlan(p: ScanPlan): string {
  if (p.algorithm === 'sequential') return 'sequential scan: one thread per sequence';
  return `parallel scan: ${p.numChunks} chunk${p.numChunks > 1 ? 's' : ''} of ${p.threads} threads × ${p.items} steps, runs combined ${p.combine === 'subgroups' ? 'by subgroup shuffles' : 'in workgroup memory'}`;
}

const COMBINES: readonly ScanCombine[] = ['subgroups', 'workgroup'];

/**
 * scan.wgsl with one combine: the lines from "// #combine <name>" to "// #end combine" are kept
 * for `combine` and dropped for the other (see the shader's header).
 */
export function scanSource(combine: ScanCombine): string {
  const found: string[] = [];
  const code = scanWgsl.replace(/^\/\/ #combine (\w+)\n([\s\S]*?)^\/\/ #end combine\n/gm, (_, name: string, body: string) => {
    found.push(name);
    return name === combine ? body : '';
  });
  if (found.length !== COMBINES.length || COMBINES.some((c) => !found.includes(c))) {
    throw new Error(`scan.wgsl: expected one "// #combine" block for each of ${COMBINES.join(', ')}, found ${found.join(', ') || 'none'}`);
  }
  return code;
}

const kernels = new Map<string, KernelSource>();

/**
 * scan.wgsl with one combine, the shared math and ITEMS (the size of each thread's private arrays)
 * prepended, and the subgroups extension enabled for the subgroup combine.
 */
export function scanKernel(items: number, combine: ScanCombine): KernelSource {
  const key = `${combine} ${items}`;
  let k = kernels.get(key);
  if (!k) {
    const enable = combine === 'subgroups' ? 'enable subgroups;\n' : '';
    k = { name: combine === 'subgroups' ? 'scan-subgroups' : 'scan', code: `${enable}const ITEMS: u32 = ${items}u;\n${mathWgsl}\n${scanSource(combine)}` };
    kernels.set(key, k);
  }
  return k;
}

function defaultLayouts(s: ScanShape): ScanLayouts {
  const seq = channelMajorLayout(s.dInner, s.seqLen);
  const state = channelMajorLayout(s.dState, s.seqLen);
  return { u: seq, delta: seq, z: seq, y: seq, B: state, C: state };
}

function uniformFields(s: ScanShape, plan: ScanPlan, layouts: ScanLayouts): UniformField[] {
  const o = plan.offsets;
  const scalars = [
    s.batch, s.dInner, s.dState, s.seqLen, plan.chunkLen, plan.numChunks, plan.groupSize, plan.numGroups,
    o.A, o.D, o.bias, o.dlast, o.pre, o.dout, o.states, o.totals, o.carry, o.partA, o.partD, o.partBias, o.partB, o.partC, o.hist, plan.numParts,
    o.init, 0, 0, 0,
  ];
  const fields: UniformField[] = scalars.map((v) => ['u32', v]);
  for (const name of ['u', 'delta', 'z', 'y', 'B', 'C'] as const) {
    const l = layouts[name];
    fields.push(['u32', l.offset], ['u32', l.batch], ['u32', l.channel], ['u32', l.time]);
  }
  return fields;
}

function expectElements(t: Tensor, n: number, what: string): void {
  if (t.size < n) throw new Error(`selective scan ${what}: ${t.label} holds ${t.size} values, needs ${n}`);
}

function stridedExtent(l: StridedLayout, batch: number, channels: number, seqLen: number): number {
  return l.offset + (batch - 1) * l.batch + (channels - 1) * l.channel + (seqLen - 1) * l.time + 1;
}

export interface ScanOps {
  /** Writes y and lastState (and what the backward needs into the workspace). */
  forward: StepOp[];
  /**
   * For the UI: an op writing ‖h_t[d, :]‖ of one sample into `out` (L, d_inner), recomputed from
   * the forward's inputs (run it after `forward`, before they change).
   */
  stateNormProbeOp(sample: number, out: Tensor): Promise<GpuOp>;
  /** Writes every gradient; run after `forward` with the same inputs. Empty without gradient tensors. */
  backward: GpuOp[];
  plan: ScanPlan;
  workspace: Tensor;
  destroy(): void;
}

/** Records the forward (and, given gradient tensors, the backward) of the selective scan. */
export async function selectiveScanOps(ctx: KernelContext, shape: ScanShape, io: ScanTensors, grads?: ScanGradTensors, options: ScanOptions = {}): Promise<ScanOps> {
  const { device } = ctx;
  const { batch, dInner: E, dState: N, seqLen: L } = shape;
  if (io.initialState && grads) throw new Error('selective scan: an initial state is forward only (no gradient flows into it); record the backward without one');
  const plan = planScan(
    shape,
    options,
    { maxThreads: device.limits.maxComputeInvocationsPerWorkgroup, subgroups: device.features.has('subgroups') },
    { backward: !!grads, initialState: !!io.initialState },
  );
  const layouts: ScanLayouts = { ...defaultLayouts(shape), ...options.layouts };
  const seqTensors: Array<[keyof ScanLayouts, Tensor[], number]> = [
    ['u', [io.u, ...(grads ? [grads.du] : [])], E],
    ['delta', [io.delta, ...(grads ? [grads.ddelta] : [])], E],
    ['z', [io.z, ...(grads ? [grads.dz] : [])], E],
    ['y', [io.y, ...(grads ? [grads.dy] : [])], E],
    ['B', [io.B, ...(grads ? [grads.dB] : [])], N],
    ['C', [io.C, ...(grads ? [grads.dC] : [])], N],
  ];
  for (const [name, tensors, channels] of seqTensors) for (const t of tensors) expectElements(t, stridedExtent(layouts[name], batch, channels, L), name);
  expectElements(io.A, E * N, 'A');
  expectElements(io.D, E, 'D');
  expectElements(io.deltaBias, E, 'deltaBias');
  expectElements(io.lastState, batch * E * N, 'lastState');
  if (io.initialState) expectElements(io.initialState, batch * E * N, 'initialState');
  if (grads) {
    expectElements(grads.dLastState, batch * E * N, 'dLastState');
    expectElements(grads.dA, E * N, 'dA');
    expectElements(grads.dD, E, 'dD');
    expectElements(grads.dDeltaBias, E, 'dDeltaBias');
  }
  const maxGrid = device.limits.maxComputeWorkgroupsPerDimension;
  if (plan.numChunks > maxGrid || E > maxGrid || batch > maxGrid) throw new Error(`selective scan: grid (${plan.numChunks}, ${E}, ${batch}) exceeds ${maxGrid} workgroups per dimension`);

  if (plan.workspaceSize * 4 > device.limits.maxStorageBufferBindingSize) {
    throw new Error(`selective scan: the workspace needs ${plan.workspaceSize * 4} bytes, one binding may hold ${device.limits.maxStorageBufferBindingSize}; use a shorter sequence or a smaller batch`);
  }

  const kernel = scanKernel(plan.items, plan.combine);
  const constants = { THREADS: plan.threads, DELTA_SOFTPLUS: shape.deltaSoftplus, HAS_INITIAL: !!io.initialState, KEEP_PRE: !!grads };
  const pipeline = (entry: string, extra: Record<string, boolean> = {}) => ctx.pipelines.get(kernel, entry, { ...constants, ...extra });
  const label = `scan ${plan.algorithm} b${batch} d${E} n${N} L${L}`;
  const workspace = createTensor(device, `${label} workspace`, [plan.workspaceSize]);
  const uniform = createUniform(device, label, uniformFields(shape, plan, layouts));

  /** Resources by binding number (see the bindings in scan.wgsl). */
  const bind = (byBinding: Record<number, Resource>): Array<Resource | null> => {
    const list: Array<Resource | null> = [];
    for (let i = 0; i <= 22; i++) list.push(byBinding[i] ?? null);
    list[0] = uniform;
    return list;
  };
  const op = async (entry: string, resources: Record<number, Resource>, groups: readonly [number, number?, number?], extra?: Record<string, boolean>): Promise<GpuOp> =>
    makeOp(device, await pipeline(entry, extra), `${label} ${entry}`, bind(resources), groups);

  const w = workspace;
  const chunkGrid = [plan.numChunks, E, batch] as const;

  const forward: StepOp[] = [await op('packParams', { 8: w, 9: io.A, 10: io.D, 11: io.deltaBias }, grid1d(Math.max(E * N, E), FLAT))];
  const states = batch * E * N;
  if (io.initialState) forward.push(copyOp(`${label} initial state`, io.initialState, { ...w, offset: w.offset + plan.offsets.init * 4, size: states }, states));
  if (plan.algorithm === 'sequential') {
    forward.push(await op('forwardSequential', { 1: io.u, 2: io.delta, 3: io.z, 4: io.B, 5: io.C, 6: io.y, 7: io.lastState, 8: w }, grid1d(batch * E, FLAT)));
  } else {
    if (plan.numChunks > 1) {
      forward.push(await op('chunkTotals', { 1: io.u, 2: io.delta, 4: io.B, 8: w }, chunkGrid));
      forward.push(await op('chunkCarries', { 8: w }, grid1d(states, FLAT)));
    }
    forward.push(await op('forwardParallel', { 1: io.u, 2: io.delta, 3: io.z, 4: io.B, 5: io.C, 6: io.y, 7: io.lastState, 8: w }, chunkGrid));
  }

  const backward: GpuOp[] = [];
  if (grads) {
    const g = grads;
    backward.push(await op('packLastStateGrad', { 8: w, 12: g.dLastState }, grid1d(states, FLAT)));
    backward.push(await op('gateBackward', { 3: io.z, 8: w, 13: g.dy, 14: g.du, 16: g.dz }, grid1d(batch * E * L, FLAT)));
    const main = { 1: io.u, 2: io.delta, 4: io.B, 5: io.C, 8: w, 14: g.du, 15: g.ddelta };
    if (plan.algorithm === 'sequential') {
      backward.push(await op('backwardSequential', main, grid1d(batch, FLAT)));
    } else {
      if (plan.numChunks > 1) {
        backward.push(await op('chunkTotalsBackward', { 2: io.delta, 5: io.C, 8: w }, chunkGrid));
        backward.push(await op('chunkCarriesBackward', { 8: w }, grid1d(states, FLAT)));
      }
      backward.push(await op('backwardParallel', main, [plan.numChunks, plan.numGroups, batch]));
    }
    // dB and dC in two ops: they may be columns of one tensor, which one op could not bind twice.
    backward.push(await op('reduceStateGrad', { 8: w, 20: g.dB }, grid1d(batch * N * L, FLAT), { WHICH_C: false }));
    backward.push(await op('reduceStateGrad', { 8: w, 20: g.dC }, grid1d(batch * N * L, FLAT), { WHICH_C: true }));
    backward.push(await op('reduceParamGrads', { 8: w, 17: g.dA, 18: g.dD, 19: g.dDeltaBias }, grid1d(E * N, FLAT)));
  }

  const probeUniforms: GPUBuffer[] = [];
  const stateNormProbeOp = async (sample: number, out: Tensor): Promise<GpuOp> => {
    if (!Number.isInteger(sample) || sample < 0 || sample >= batch) throw new Error(`selective scan probe: sample ${sample} is not in 0..${batch - 1}`);
    expectElements(out, L * E, 'state norm probe');
    const pp = createUniform(device, `${label} probe b${sample}`, [['u32', sample], ['u32', 0], ['u32', 0], ['u32', 0]]);
    probeUniforms.push(pp);
    return op('stateNormProbe', { 1: io.u, 2: io.delta, 4: io.B, 8: w, 21: out, 22: pp }, grid1d(E, FLAT));
  };

  return {
    forward,
    backward,
    stateNormProbeOp,
    plan,
    workspace,
    destroy: () => {
      workspace.buffer.destroy();
      uniform.destroy();
      for (const b of probeUniforms) b.destroy();
    },
  };
}
