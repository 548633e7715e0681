// The run's own backend probe. The start-up probe (./backend.ts) chooses the first backend from a
// fixed small LSTM; which backend is faster depends on the run (SwiftShader loses to the CPU backend
// on small models by more than on large ones), so when a run is configured on a software adapter
// and the page has not chosen a backend itself, a couple of training steps of that run are timed on
// both backends, and the other one is OFFERED (never switched to mid-run) when it is clearly faster.
// On the CPU backend the run is timed there in any case, for the sizes that stay comfortable
// (./comfort.ts). Throwaway trainers from the run's own configurations; the owner runs the probe
// as a command of its queue (./owner.ts), so never beside the run's steps; a shape timed once is
// not timed again on the same device.

import { chunk } from '../data';
import { Random } from '../data/random';
import type { Gpu, GpuInfo } from '../gpu/device';
import { kernelContext, type KernelContext } from '../kernels/registry';
import { slotLabel } from '../models/registry';
import type { BackendChoice } from './backend';
import { timeSteps, type StepTiming, type TimedModel, type TimeOptions } from './backendProbe';
import { comfortableSizes, type Comfort } from './comfort';
import type { FromWorker, ModelSlot } from './protocol';
import type { Session } from './session';

export type Backend = GpuInfo['backend'];

/** One backend's time for a step of the run (every model one step). */
export interface BackendTiming extends StepTiming {
  backend: Backend;
}

export interface RunProbeReport {
  /** What was timed, in words: "LSTM 32 + GRU 32, batch 16 × 32 steps". */
  what: string;
  current: BackendTiming;
  /** The other backend, where one was timed (a software adapter, no backend chosen by the page). */
  other: BackendTiming | null;
  /** The backend the page may offer to switch to: clearly faster for this run. */
  offer: Backend | null;
  /** The sizes that stay comfortable on the current backend, scaled from its time. */
  comfort: Comfort | null;
}

/** 'both': a software adapter with no remembered choice; 'current': the CPU backend (comfortable sizes); 'none'. */
export type ProbePlan = 'both' | 'current' | 'none';

export function probePlan(choice: BackendChoice, info: GpuInfo): ProbePlan {
  const software = info.isFallback || info.probe !== undefined;
  if (choice === 'auto' && info.alternative !== undefined && software) return 'both';
  return info.backend === 'cpu' ? 'current' : 'none';
}

/** Offered when the other backend is faster by more than this factor: a near tie is not worth a move. */
export const OFFER_RATIO = 1.25;
/** One warm-up step, then two timed; a warm-up over 2 s ends the timing of that backend. */
export const PROBE_OPTIONS: Required<TimeOptions> = { steps: 2, capMs: 2000 };

/** Whether `other` is clearly faster than `current`. A capped other (its first step over the cap) never is. */
export function decideOffer(current: StepTiming, other: StepTiming, ratio = OFFER_RATIO): boolean {
  if (other.capped || !(other.ms > 0) || !Number.isFinite(current.ms)) return false;
  return other.ms * ratio < current.ms;
}

/** The shape of a run as the probe times it: what changes the cost of a step, not seeds or rates. */
export interface RunShape {
  slots: ReadonlyArray<Pick<ModelSlot, 'kind' | 'layers' | 'hidden' | 'dState' | 'expand' | 'bidirectional'>>;
  batch: number;
  /** Steps per training step (the window, or the truncated-BPTT chunk). */
  seqLen: number;
  inputSize: number;
  outputSize: number;
  task: string;
}

export function shapeKey(shape: RunShape): string {
  const slots = shape.slots.map((s) => [s.kind, s.layers, s.hidden, s.dState, s.expand, s.bidirectional]);
  return JSON.stringify([slots, shape.batch, shape.seqLen, shape.inputSize, shape.outputSize, shape.task]);
}

/** "LSTM 32 + GRU 32, batch 16 × 32 steps" */
export function describeRun(labels: readonly string[], batch: number, seqLen: number): string {
  return `${labels.join(' + ')}, batch ${batch} × ${seqLen} steps`;
}

function shapeOf(session: Session): RunShape | null {
  const runs = session.modelRuns;
  if (runs.length === 0 || !session.batchSource) return null;
  const cfg = runs[0].trainer.cfg;
  return { slots: runs.map((m) => m.slot), batch: cfg.batch, seqLen: cfg.seqLen, inputSize: cfg.inputSize, outputSize: cfg.outputSize, task: cfg.task };
}

/** Each model's configuration and one batch of the run's data (its own sampler left untouched). */
function timedModels(session: Session): TimedModel[] {
  const source = session.batchSource!;
  return session.modelRuns.map((m) => {
    const { cfg } = m.trainer;
    const { x, y } = chunk(source, source.train(cfg.batch, new Random(1)), cfg.batch, 0, cfg.seqLen);
    return { cfg, x, y };
  });
}

export interface RunProbeDeps {
  /** A device on the other backend for the probe's trainers; destroyed after. */
  acquireOther(backend: Backend): Promise<Gpu>;
  /** Times models on a device (timeSteps; tests pass a fake). */
  time?: (ctx: KernelContext, models: readonly TimedModel[], options: TimeOptions) => Promise<StepTiming>;
}

export class RunProber {
  private lastKey: string | null = null;
  private lastGpu: Gpu | null = null;
  private queued = false;

  constructor(
    private readonly deps: RunProbeDeps | null,
    private readonly send: (message: FromWorker) => void,
  ) {}

  private keyOf(session: Session, gpu: Gpu, choice: BackendChoice): string | null {
    const plan = this.deps ? probePlan(choice, gpu.info) : 'none';
    const shape = plan === 'none' ? null : shapeOf(session);
    return shape ? `${plan}:${shapeKey(shape)}` : null;
  }

  /** Whether the run in place wants timing (a new shape, or a new device), and none is queued yet; a true answer counts as queued. */
  due(session: Session, gpu: Gpu, choice: BackendChoice): boolean {
    if (this.queued) return false;
    const key = this.keyOf(session, gpu, choice);
    if (key === null || (key === this.lastKey && gpu === this.lastGpu)) return false;
    this.queued = true;
    return true;
  }

  /** Times the run in place (when still due) and tells the page. A failed probe decides nothing. */
  async probe(session: Session | null, gpu: Gpu | null, choice: BackendChoice): Promise<void> {
    this.queued = false;
    if (!session || !gpu) return;
    const key = this.keyOf(session, gpu, choice);
    if (key === null || (key === this.lastKey && gpu === this.lastGpu)) return;
    this.lastKey = key;
    this.lastGpu = gpu;
    const time = this.deps?.time ?? timeSteps;
    const models = timedModels(session);
    let current: BackendTiming;
    try {
      current = { backend: gpu.info.backend, ...(await time(session.ctx, models, PROBE_OPTIONS)) };
    } catch {
      return; // the run's device reports its own problems (./owner.ts)
    }
    let other: BackendTiming | null = null;
    if (key.startsWith('both:') && this.deps) {
      const backend: Backend = gpu.info.backend === 'cpu' ? 'webgpu' : 'cpu';
      let device: Gpu | null = null;
      try {
        device = await this.deps.acquireOther(backend);
        other = { backend, ...(await time(kernelContext(device.device), models, PROBE_OPTIONS)) };
      } catch {
        other = null; // no device, or it failed: nothing to offer
      } finally {
        device?.device.destroy();
      }
    }
    const cfg = models[0].cfg;
    const slots = session.modelRuns.map((m) => m.slot);
    this.send({
      type: 'run-probe',
      report: {
        what: describeRun(slots.map(slotLabel), cfg.batch, cfg.seqLen),
        current,
        other,
        offer: other && decideOffer(current, other) ? other.backend : null,
        comfort: comfortableSizes({ ms: current.ms, batch: cfg.batch, seqLen: cfg.seqLen, hidden: Math.max(...slots.map((s) => s.hidden)) }),
      },
    });
  }
}
