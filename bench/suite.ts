// The benchmark harness, shared by the browser page (bench/main.ts) and Node (bench/node-bench.ts).
// It knows nothing of the DOM or of Node: it takes a `Gpu` and a list of cases, and times each
// case's recorded ops with GpuTimer.
//
// How a case is timed: the ops of one iteration are encoded into one compute pass and run a few
// times untimed (pipeline creation, first-touch allocation). The last warm-up decides the batch:
// when one iteration is short, `batch` iterations go into each timed pass so that the ~10 us a
// dispatch costs does not pass for kernel time. Then `reps` timed passes; the row reports the
// median per iteration. A peer (TensorFlow.js in the browser, PyTorch in Node) is timed afterwards
// on the same shapes, with our device released first.
//
// Cases whose iteration is more than one pass (a training step: the trainer encodes and submits
// it itself, copies and clears included) give `submit(count)` instead of ops: `count` iterations
// go to the queue back to back, one submit each as the app does it, and the row is the span from
// the first to the last on the GPU's timestamps (wall clock without them) over `count`.
//
// GPU memory: every buffer the case creates while preparing is counted (createBuffer is wrapped
// for the duration), so the column is what that size costs on the device, workspaces included.

import { adapterName, type Gpu, type GpuInfo } from '../src/gpu/device';
import { encodeOps, type GpuOp } from '../src/gpu/dispatch';
import { GpuTimer } from '../src/gpu/timing';
import { kernelContext, type KernelContext } from '../src/kernels/registry';
import { SpanTimer } from './span';

/** full: a real GPU. quick: a short run on a real GPU. fallback(-quick): software adapters. */
export type ProfileName = 'full' | 'quick' | 'fallback' | 'fallback-quick';

export interface BenchConfig {
  profile: ProfileName;
  /** Why this profile, in words, for the report. */
  reason: string;
  warmup: number;
  reps: number;
  /** A timed pass should hold at least this much GPU time; short iterations are batched up to it. */
  targetPassMs: number;
  maxBatch: number;
  /** Stop adding reps to a case once its timed passes have taken this long (min 3 reps). */
  caseBudgetMs: number;
  /** Submit-mode cases (training steps): iterations per timed span are chosen to fill about this long. */
  targetSpanMs: number;
  /** ... and never fewer than this many (N steps back to back, so one step's latency is amortised). */
  minSpanIterations: number;
  /** Only cases whose id contains one of these (empty: all). */
  only: string[];
  /** Replaces every selected case's own sizes. */
  sizes: number[] | null;
}

export interface ConfigRequest {
  quick?: boolean;
  /** Full sizes even on a software adapter. */
  full?: boolean;
  only?: string[];
  sizes?: number[];
  reps?: number;
}

type Timing = Pick<BenchConfig, 'warmup' | 'reps' | 'targetPassMs' | 'maxBatch' | 'caseBudgetMs' | 'targetSpanMs' | 'minSpanIterations'>;

const PROFILE_TIMING: Record<ProfileName, Timing> = {
  full: { warmup: 3, reps: 15, targetPassMs: 4, maxBatch: 256, caseBudgetMs: 4000, targetSpanMs: 100, minSpanIterations: 10 },
  quick: { warmup: 2, reps: 7, targetPassMs: 2, maxBatch: 128, caseBudgetMs: 1500, targetSpanMs: 50, minSpanIterations: 5 },
  fallback: { warmup: 1, reps: 5, targetPassMs: 20, maxBatch: 32, caseBudgetMs: 6000, targetSpanMs: 400, minSpanIterations: 2 },
  'fallback-quick': { warmup: 1, reps: 3, targetPassMs: 10, maxBatch: 16, caseBudgetMs: 2000, targetSpanMs: 200, minSpanIterations: 1 },
};

/** Picks the profile from the request and the adapter: software adapters get small sizes by themselves. */
export function resolveConfig(info: GpuInfo, request: ConfigRequest = {}): BenchConfig {
  let profile: ProfileName;
  let reason: string;
  if (info.isFallback && !request.full) {
    profile = request.quick ? 'fallback-quick' : 'fallback';
    reason = 'software fallback adapter running on the CPU: sizes reduced, figures say nothing about a GPU (?full / --full forces full sizes)';
  } else if (request.quick) {
    profile = 'quick';
    reason = 'quick run requested (?quick / --quick)';
  } else {
    profile = 'full';
    reason = info.isFallback ? 'full sizes forced on a software adapter' : 'hardware adapter';
  }
  const timing = { ...PROFILE_TIMING[profile] };
  if (request.reps && request.reps > 0) timing.reps = Math.floor(request.reps);
  return {
    profile,
    reason,
    ...timing,
    only: (request.only ?? []).filter((s) => s.length > 0),
    sizes: request.sizes && request.sizes.length > 0 ? request.sizes : null,
  };
}

// ---- cases -----------------------------------------------------------------------------------

/** What a peer library is asked to time, the same work as one of our iterations. */
export type PeerSpec =
  | { op: 'matmul'; M: number; N: number; K: number; transA: boolean; transB: boolean }
  | { op: 'activation'; fn: 'tanh' | 'sigmoid'; n: number }
  | { op: 'adam'; n: number }
  /**
   * One training step of a one-layer LSTM/GRU (batch-first input (batch, seqLen, input)) with a
   * Linear head on every step (hidden -> output), MSE loss, gradient clipping to clipNorm (where the
   * peer has it) and Adam(lr).
   */
  | { op: 'train'; cell: 'lstm' | 'gru'; batch: number; seqLen: number; input: number; hidden: number; output: number; lr: number; clipNorm: number }
  /**
   * The same step for the minrnn rows (bench/cases/minrnn.ts): a one-layer minGRU or minLSTM
   * (candidate g, zero initial state; test-data/torch/README.md) or the LSTM of equal parameter
   * count. A peer of its own, so that the browser's TensorFlow.js peer (no minGRU, an LSTM at
   * T = 16384 out of its reach) leaves these rows alone.
   */
  | { op: 'minrnn-train'; model: 'mingru' | 'minlstm' | 'lstm'; candidate: 'g'; batch: number; seqLen: number; input: number; hidden: number; output: number; lr: number; clipNorm: number }
  /**
   * mamba_ssm's selective_scan_ref (a Python loop over time) on u, delta, z (batch, dInner, L),
   * B, C (batch, dState, L): the forward, or the backward alone (autograd through a retained graph).
   */
  | { op: 'scan-ref'; pass: 'forward' | 'backward'; batch: number; seqLen: number; dInner: number; dState: number };

/**
 * Useful work in one iteration: the row's rate is work / time. steps: training steps (rate in
 * steps/s); elements: scan elements, one per (batch, channel, timestep) (Melem/s); tokens:
 * timesteps through a whole model, batch x L (Mtok/s).
 */
export type Work = { flops: number } | { bytes: number } | { steps: number } | { elements: number } | { tokens: number } | null;
export type RateUnit = 'GFLOP/s' | 'GB/s' | 'steps/s' | 'Melem/s' | 'Mtok/s';

export interface PreparedCase {
  /** The recorded ops of one iteration, encoded in order into one compute pass. */
  ops?: readonly GpuOp[];
  /**
   * Instead of `ops`: queues `count` iterations itself, without waiting (a training step encodes
   * its own command buffer, copies and clears included, and submits it). Timed as a span.
   */
  submit?(count: number): void;
  /** Submit mode, too long to repeat (minutes on a software adapter): no warm-up, one timed iteration. */
  once?: boolean;
  work: Work;
  /** e.g. "1024x1024x1024" or "4M" */
  shape: string;
  /** A remark for the table ("scaled from B32 T128 I16 H128", "loss 0.33 -> 0.12"). */
  note?: string;
  peer?: PeerSpec;
  /**
   * Checks the results after `iterations` iterations have run (warm-up included). Returns null
   * when they are right, else what is wrong. Keep it cheap: sample, do not read everything back.
   */
  verify?(iterations: number): Promise<string | null>;
  destroy(): void;
}

export interface BenchEnv {
  gpu: Gpu;
  ctx: KernelContext;
  config: BenchConfig;
}

/**
 * One benchmark, at the sizes its profile lists. To add one (an LSTM training step, the Mamba
 * scan), write a BenchCase in bench/cases/ and list it in bench/cases/index.ts; see the note there.
 */
export interface BenchCase {
  /** Unique, stable: used by --only and in results.json ("matmul", "matmul-tA", "adam"). */
  id: string;
  /** Family, for grouping in the table ("matmul", "elementwise", "optimizer", "recurrent"). */
  group: string;
  sizes: Record<ProfileName, readonly number[]>;
  /**
   * Sizes when the run selects every case (no --only), where they differ from `sizes`: a subset
   * that keeps the default run short on a slow adapter. Naming the case or its group in --only
   * runs all of `sizes`.
   */
  defaultSizes?: Partial<Record<ProfileName, readonly number[]>>;
  prepare(env: BenchEnv, size: number): Promise<PreparedCase>;
}

// ---- rows ------------------------------------------------------------------------------------

export interface PeerResult {
  /** "tfjs-webgpu", "torch-cuda" */
  name: string;
  ms: number;
  timing: string;
}

export interface BenchRow {
  case: string;
  group: string;
  size: number;
  shape: string;
  /** Median milliseconds per iteration; NaN when the case failed. */
  ms: number;
  /** Fastest and slowest timed pass, per iteration. */
  msMin: number;
  msMax: number;
  rate: number | null;
  unit: RateUnit | null;
  /**
   * timestamp-query: GPU timestamps around one pass. timestamp-span: from the start of the first
   * to the end of the last of `batch` back-to-back submits. wall-clock: submit to done.
   */
  timing: 'timestamp-query' | 'timestamp-span' | 'wall-clock' | 'mixed' | 'none';
  batch: number;
  reps: number;
  /** 'ok', 'not checked', or what was wrong. */
  check: string;
  /** Bytes of the GPU buffers the case allocated for this size (null when not measured). */
  memBytes: number | null;
  /** Submit-mode rows: median wall-clock time per iteration, submit of the first to done of the last. */
  wallMs?: number;
  note?: string;
  peerSpec?: PeerSpec;
  peer?: PeerResult;
  /** ours / peer in time: below 1 we are faster. */
  ratio?: number;
  error?: string;
}

export interface SuiteResult {
  adapter: string;
  info: GpuInfo;
  config: BenchConfig;
  rows: BenchRow[];
}

export type Progress = (message: string, row?: BenchRow) => void;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function rateOf(work: Work, ms: number): Pick<BenchRow, 'rate' | 'unit'> {
  if (!work || !(ms > 0)) return { rate: null, unit: null };
  if ('flops' in work) return { rate: work.flops / (ms * 1e6), unit: 'GFLOP/s' };
  if ('steps' in work) return { rate: (work.steps * 1e3) / ms, unit: 'steps/s' };
  if ('elements' in work) return { rate: work.elements / (ms * 1e3), unit: 'Melem/s' };
  if ('tokens' in work) return { rate: work.tokens / (ms * 1e3), unit: 'Mtok/s' };
  return { rate: work.bytes / (ms * 1e6), unit: 'GB/s' };
}

function repeated(ops: readonly GpuOp[], times: number): GpuOp[] {
  const out: GpuOp[] = [];
  for (let i = 0; i < times; i++) out.push(...ops);
  return out;
}

interface Timed {
  perIteration: number[];
  batch: number;
  iterations: number;
  timing: BenchRow['timing'];
  /** Submit mode: wall-clock per iteration, one per timed span. */
  wallPerIteration?: number[];
}

async function timeOps(timer: GpuTimer, ops: readonly GpuOp[], config: BenchConfig): Promise<Timed> {
  let iterations = 0;
  let single = 0;
  for (let w = 0; w < Math.max(1, config.warmup); w++) {
    single = (await timer.time((encoder, pass) => encodeOps(encoder, ops, pass))).ms;
    iterations++;
  }
  const batch = Math.max(1, Math.min(config.maxBatch, single > 0 ? Math.ceil(config.targetPassMs / single) : config.maxBatch));
  const pass = repeated(ops, batch);
  const perIteration: number[] = [];
  const sources = new Set<string>();
  let spent = 0;
  for (let r = 0; r < config.reps; r++) {
    if (r >= 3 && spent > config.caseBudgetMs) break;
    const t = await timer.time((encoder, descriptor) => encodeOps(encoder, pass, descriptor));
    iterations += batch;
    spent += t.ms;
    sources.add(t.source);
    perIteration.push(t.ms / batch);
  }
  const timing = sources.size > 1 ? 'mixed' : ((sources.values().next().value as BenchRow['timing'] | undefined) ?? 'none');
  return { perIteration, batch, iterations, timing };
}

/** Timing of a case that runs once (PreparedCase.once). */
const ONCE: Timing = { warmup: 0, reps: 1, targetPassMs: 0, maxBatch: 1, caseBudgetMs: 0, targetSpanMs: 0, minSpanIterations: 1 };

/** Submit-mode timing: warm-up, then `reps` spans of `batch` back-to-back iterations each. */
async function timeSubmits(timer: SpanTimer, submit: (count: number) => void, config: Timing): Promise<Timed> {
  let iterations = 0;
  let single = 0;
  for (let w = 0; w < config.warmup; w++) {
    single = (await timer.time(() => submit(1))).ms;
    iterations++;
  }
  const wanted = single > 0 ? Math.ceil(config.targetSpanMs / single) : config.maxBatch;
  const batch = Math.max(1, config.minSpanIterations, Math.min(config.maxBatch, wanted));
  const perIteration: number[] = [];
  const wallPerIteration: number[] = [];
  const sources = new Set<string>();
  let spent = 0;
  for (let r = 0; r < config.reps; r++) {
    if (r >= 3 && spent > config.caseBudgetMs) break;
    const t = await timer.time(() => submit(batch));
    iterations += batch;
    spent += t.wallMs;
    sources.add(t.source);
    perIteration.push(t.ms / batch);
    wallPerIteration.push(t.wallMs / batch);
  }
  const timing = sources.size > 1 ? 'mixed' : ((sources.values().next().value as BenchRow['timing'] | undefined) ?? 'none');
  return { perIteration, batch, iterations, timing, wallPerIteration };
}

/** Counts the bytes of every buffer created on `device` until `stop()`. */
function countAllocations(device: GPUDevice): { stop(): number } {
  const original = device.createBuffer;
  let bytes = 0;
  let patched = false;
  try {
    device.createBuffer = function countedCreateBuffer(this: GPUDevice, descriptor: GPUBufferDescriptor): GPUBuffer {
      bytes += descriptor.size;
      return original.call(this, descriptor);
    };
    patched = device.createBuffer !== original;
  } catch {
    // A device object that refuses new properties: no memory column.
  }
  return {
    stop() {
      if (patched) {
        // The wrapper is an own property over the prototype's method: removing it restores that.
        delete (device as { createBuffer?: unknown }).createBuffer;
        if (device.createBuffer !== original) device.createBuffer = original;
      }
      return patched ? bytes : Number.NaN;
    },
  };
}

function failedRow(c: BenchCase, size: number, error: unknown): BenchRow {
  return {
    case: c.id,
    group: c.group,
    size,
    shape: String(size),
    ms: Number.NaN,
    msMin: Number.NaN,
    msMax: Number.NaN,
    rate: null,
    unit: null,
    timing: 'none',
    batch: 0,
    reps: 0,
    check: 'not run',
    memBytes: null,
    error: error instanceof Error ? error.message : String(error),
  };
}

/** The sizes a case runs at in this run: --sizes, else its default subset in a run of everything, else its sizes. */
export function sizesFor(c: BenchCase, config: BenchConfig): readonly number[] {
  if (config.sizes) return config.sizes;
  if (config.only.length === 0) return c.defaultSizes?.[config.profile] ?? c.sizes[config.profile];
  return c.sizes[config.profile];
}

export function selectedCases(cases: readonly BenchCase[], config: BenchConfig): BenchCase[] {
  if (config.only.length === 0) return [...cases];
  return cases.filter((c) => config.only.some((o) => c.id === o || c.group === o || c.id.includes(o)));
}

/** Runs every selected case at every size of the profile; a failing case becomes a row with `error`. */
export async function runSuite(gpu: Gpu, cases: readonly BenchCase[], config: BenchConfig, progress: Progress = () => {}): Promise<SuiteResult> {
  const env: BenchEnv = { gpu, ctx: kernelContext(gpu.device), config };
  const timer = new GpuTimer(gpu.device);
  const spanTimer = new SpanTimer(gpu.device);
  const rows: BenchRow[] = [];
  try {
    for (const c of selectedCases(cases, config)) {
      for (const size of sizesFor(c, config)) {
        progress(`${c.id} ${size} ...`);
        let row: BenchRow;
        let prepared: PreparedCase | null = null;
        try {
          // Errors WebGPU reports asynchronously (a buffer too large, a rejected bind group) would
          // otherwise surface as uncaptured events after the numbers were taken.
          gpu.device.pushErrorScope('out-of-memory');
          gpu.device.pushErrorScope('validation');
          let timed: Timed | null = null;
          let thrown: unknown = null;
          let memBytes = Number.NaN;
          try {
            const allocations = countAllocations(gpu.device);
            try {
              prepared = await c.prepare(env, size);
            } finally {
              memBytes = allocations.stop();
            }
            if (prepared.submit) timed = await timeSubmits(spanTimer, prepared.submit.bind(prepared), prepared.once ? ONCE : config);
            else if (prepared.ops) timed = await timeOps(timer, prepared.ops, config);
            else throw new Error(`case ${c.id} gave neither ops nor submit`);
          } catch (error) {
            thrown = error;
          }
          const validation = await gpu.device.popErrorScope();
          const oom = await gpu.device.popErrorScope();
          if (validation || oom) throw new Error(`GPU error: ${(validation ?? oom)?.message}`);
          if (thrown || !prepared || !timed) throw thrown;
          const ms = median(timed.perIteration);
          const check = prepared.verify ? ((await prepared.verify(timed.iterations)) ?? 'ok') : 'not checked';
          const wallMs = timed.wallPerIteration ? median(timed.wallPerIteration) : undefined;
          // When the wall clock says much more than the GPU span, the CPU (encoding, the completion
          // callback) is in the way: say so beside the figure.
          const wallNote = wallMs !== undefined && timed.timing === 'timestamp-span' && wallMs > 1.2 * ms ? `wall clock ${wallMs.toPrecision(3)} ms` : '';
          const note = [prepared.note ?? '', wallNote].filter(Boolean).join('; ');
          row = {
            case: c.id,
            group: c.group,
            size,
            shape: prepared.shape,
            ms,
            msMin: Math.min(...timed.perIteration),
            msMax: Math.max(...timed.perIteration),
            ...rateOf(prepared.work, ms),
            timing: timed.timing,
            batch: timed.batch,
            reps: timed.perIteration.length,
            check,
            memBytes: Number.isFinite(memBytes) ? memBytes : null,
            ...(wallMs !== undefined ? { wallMs } : {}),
            ...(note ? { note } : {}),
            peerSpec: prepared.peer,
          };
        } catch (error) {
          row = failedRow(c, size, error);
        } finally {
          (prepared as PreparedCase | null)?.destroy();
        }
        rows.push(row);
        progress(describeRow(row), row);
      }
    }
  } finally {
    timer.destroy();
    spanTimer.destroy();
  }
  return { adapter: adapterName(gpu.info), info: gpu.info, config, rows };
}

export function describeRow(row: BenchRow): string {
  if (row.error) return `${row.case} ${row.shape}: FAILED ${row.error}`;
  const rate = row.rate !== null ? `, ${row.rate >= 10 ? row.rate.toFixed(1) : row.rate.toPrecision(3)} ${row.unit}` : '';
  return `${row.case} ${row.shape}: ${row.ms.toPrecision(4)} ms${rate} (${row.timing}, batch ${row.batch} x ${row.reps} reps, check ${row.check})`;
}

// ---- peers -----------------------------------------------------------------------------------

/** Another library timing the same work: TensorFlow.js in the page, PyTorch beside Node. */
export interface Peer {
  name: string;
  /** Filled in by `measure`: library version, backend, device ("PyTorch 2.11, cuBLAS, TF32 off, NVIDIA H200"). */
  detail?: string;
  /** One result per spec, null where the peer cannot do that op; may throw to skip the peer. */
  measure(specs: readonly PeerSpec[], config: BenchConfig, progress: Progress): Promise<Array<PeerResult | null>>;
}

/**
 * Times the rows' peer specs with `peer` and fills in `peer` and `ratio`. A spec shared by several
 * rows (the parallel and the sequential scan at one length) is timed once. Never throws. With
 * `faster`, a row that has a peer already keeps the faster of the two as its peer (and its ratio);
 * the other is named in its note, so both figures stay in the table.
 */
export async function attachPeer(rows: BenchRow[], peer: Peer, config: BenchConfig, progress: Progress = () => {}, faster = false): Promise<string | null> {
  const withSpec = rows.filter((r) => r.peerSpec && !r.error);
  if (withSpec.length === 0) return null;
  const unique = new Map<string, PeerSpec>();
  for (const r of withSpec) unique.set(JSON.stringify(r.peerSpec), r.peerSpec as PeerSpec);
  const keys = [...unique.keys()];
  try {
    const results = await peer.measure([...unique.values()], config, progress);
    for (const row of withSpec) {
      const result = results[keys.indexOf(JSON.stringify(row.peerSpec))];
      if (!result || !(result.ms > 0)) continue;
      const previous = faster ? row.peer : undefined;
      const [kept, other] = previous && previous.ms <= result.ms ? [previous, result] : [result, previous];
      if (other) row.note = [row.note, `${other.name} ${other.ms.toPrecision(4)} ms`].filter(Boolean).join('; ');
      row.peer = kept;
      row.ratio = row.ms / kept.ms;
    }
    return null;
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    progress(`peer ${peer.name} skipped: ${why}`);
    return why;
  }
}

export function peerSpecKey(spec: PeerSpec): string {
  switch (spec.op) {
    case 'matmul':
      return `matmul ${spec.M}x${spec.N}x${spec.K}${spec.transA ? ' tA' : ''}${spec.transB ? ' tB' : ''}`;
    case 'activation':
      return `${spec.fn} ${spec.n}`;
    case 'adam':
      return `adam ${spec.n}`;
    case 'train':
      return `${spec.cell} train B${spec.batch} T${spec.seqLen} I${spec.input} H${spec.hidden}`;
    case 'minrnn-train':
      return `${spec.model} train B${spec.batch} T${spec.seqLen} I${spec.input} H${spec.hidden}`;
    case 'scan-ref':
      return `scan-ref ${spec.pass} B${spec.batch} L${spec.seqLen} D${spec.dInner} N${spec.dState}`;
  }
}
