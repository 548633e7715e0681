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

import { adapterName, type Gpu, type GpuInfo } from '../src/gpu/device';
import { encodeOps, type GpuOp } from '../src/gpu/dispatch';
import { GpuTimer } from '../src/gpu/timing';
import { kernelContext, type KernelContext } from '../src/kernels/registry';

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

const PROFILE_TIMING: Record<ProfileName, Pick<BenchConfig, 'warmup' | 'reps' | 'targetPassMs' | 'maxBatch' | 'caseBudgetMs'>> = {
  full: { warmup: 3, reps: 15, targetPassMs: 4, maxBatch: 256, caseBudgetMs: 4000 },
  quick: { warmup: 2, reps: 7, targetPassMs: 2, maxBatch: 128, caseBudgetMs: 1500 },
  fallback: { warmup: 1, reps: 5, targetPassMs: 20, maxBatch: 32, caseBudgetMs: 6000 },
  'fallback-quick': { warmup: 1, reps: 3, targetPassMs: 10, maxBatch: 16, caseBudgetMs: 2000 },
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
  | { op: 'adam'; n: number };

/** Useful work in one iteration: the row's rate is work / time. */
export type Work = { flops: number } | { bytes: number } | null;

export interface PreparedCase {
  /** The recorded ops of one iteration, encoded in order into one compute pass. */
  ops: readonly GpuOp[];
  work: Work;
  /** e.g. "1024x1024x1024" or "4M" */
  shape: string;
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
  unit: 'GFLOP/s' | 'GB/s' | null;
  timing: 'timestamp-query' | 'wall-clock' | 'mixed' | 'none';
  batch: number;
  reps: number;
  /** 'ok', 'not checked', or what was wrong. */
  check: string;
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
    error: error instanceof Error ? error.message : String(error),
  };
}

export function selectedCases(cases: readonly BenchCase[], config: BenchConfig): BenchCase[] {
  if (config.only.length === 0) return [...cases];
  return cases.filter((c) => config.only.some((o) => c.id === o || c.group === o || c.id.includes(o)));
}

/** Runs every selected case at every size of the profile; a failing case becomes a row with `error`. */
export async function runSuite(gpu: Gpu, cases: readonly BenchCase[], config: BenchConfig, progress: Progress = () => {}): Promise<SuiteResult> {
  const env: BenchEnv = { gpu, ctx: kernelContext(gpu.device), config };
  const timer = new GpuTimer(gpu.device);
  const rows: BenchRow[] = [];
  try {
    for (const c of selectedCases(cases, config)) {
      for (const size of config.sizes ?? c.sizes[config.profile]) {
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
          try {
            prepared = await c.prepare(env, size);
            timed = await timeOps(timer, prepared.ops, config);
          } catch (error) {
            thrown = error;
          }
          const validation = await gpu.device.popErrorScope();
          const oom = await gpu.device.popErrorScope();
          if (validation || oom) throw new Error(`GPU error: ${(validation ?? oom)?.message}`);
          if (thrown || !prepared || !timed) throw thrown;
          const ms = median(timed.perIteration);
          const check = prepared.verify ? ((await prepared.verify(timed.iterations)) ?? 'ok') : 'not checked';
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
  }
  return { adapter: adapterName(gpu.info), info: gpu.info, config, rows };
}

export function describeRow(row: BenchRow): string {
  if (row.error) return `${row.case} ${row.shape}: FAILED ${row.error}`;
  const rate = row.rate !== null ? `, ${row.rate.toFixed(row.rate < 10 ? 2 : 1)} ${row.unit}` : '';
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

/** Times the rows' peer specs with `peer` and fills in `peer` and `ratio`. Never throws. */
export async function attachPeer(rows: BenchRow[], peer: Peer, config: BenchConfig, progress: Progress = () => {}): Promise<string | null> {
  const withSpec = rows.filter((r) => r.peerSpec && !r.error);
  if (withSpec.length === 0) return null;
  try {
    const results = await peer.measure(
      withSpec.map((r) => r.peerSpec as PeerSpec),
      config,
      progress,
    );
    withSpec.forEach((row, i) => {
      const result = results[i];
      if (!result || !(result.ms > 0)) return;
      row.peer = result;
      row.ratio = row.ms / result.ms;
    });
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
  }
}
