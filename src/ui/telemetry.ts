// Telemetry from the training worker (step reports, validation losses, probes), kept outside
// React in ring buffers. Messages land here as they arrive; subscribers hear about them at most
// once per animation frame (see ./telemetry/useTelemetry), so no step re-renders the app.

import type { ForecastResult, FromWorker, ProbeReport, StepStats } from '../worker/protocol';
import { onNextFrame } from './telemetry/frame';
import { Ring } from './telemetry/ring';
import { widenDecades, type Decades } from './views/logScale';

/** Steps kept per model: plenty for the loss curve of a long run, a few MB at most. */
const STEP_CAPACITY = 20_000;
const VALIDATION_CAPACITY = 2_000;
/** Earlier ‖∂L/∂h_t‖ curves kept for the vanishing-gradient view. */
const SNAPSHOTS = 4;

export interface GradSnapshot {
  step: number;
  curve: Float32Array;
}

/** A BPTT walk stepped through by hand: ‖∂L/∂h_t‖ filled in from t = T-1 backwards. */
export interface BpttWalk {
  T: number;
  /** The timestep reached last. */
  t: number;
  norms: Float32Array;
  /** ∂L/∂h_t of the probed sample at that timestep. */
  dh: Float32Array;
  done: boolean;
  /** The log axis of the walk's bars: set by its first norm, only ever widened (views/logScale.ts). */
  decades: Decades | null;
}

export class ModelTelemetry {
  readonly steps = new Ring(STEP_CAPACITY);
  readonly loss = new Ring(STEP_CAPACITY);
  readonly gradNorm = new Ring(STEP_CAPACITY);
  readonly clipScale = new Ring(STEP_CAPACITY);
  readonly paramNorms = new Map<string, Ring>();
  readonly valSteps = new Ring(VALIDATION_CAPACITY);
  readonly valLoss = new Ring(VALIDATION_CAPACITY);
  /** The worker's own measure of a step (time to record and submit it). */
  msPerStep = 0;
  lastStep = 0;
  /** Steps per second as seen from the page: GPU time included, over the last few seconds. */
  stepsPerSecond = 0;
  private readonly arrivals: Array<{ at: number; step: number }> = [];
  probe: ProbeReport | null = null;
  /** Earlier gradient-by-time curves, oldest first, taken at doubling step counts. */
  snapshots: GradSnapshot[] = [];
  /** The first curve probed (after step 1): the initialisation's, kept beside the current one. */
  first: GradSnapshot | null = null;
  private nextSnapshot = 10;
  bptt: BpttWalk | null = null;
  /** The last forecast or backtest on the table, in the data's units. */
  forecast: ForecastResult | null = null;
  /** The last backtest (its MAE and RMSE go into the comparison table), kept when a forecast past the end follows it. */
  backtest: ForecastResult | null = null;
  /** The last free-running decoding of the validation batch (sequence-to-sequence tasks). */
  decoded: Omit<Extract<FromWorker, { type: 'decode' }>, 'type' | 'modelId' | 'generation'> | null = null;

  addSteps(reports: StepStats[], msPerStep: number): void {
    for (const r of reports) {
      this.steps.push(r.step);
      this.loss.push(r.loss);
      this.gradNorm.push(r.gradNorm);
      this.clipScale.push(r.clipScale);
      for (const [name, value] of Object.entries(r.paramNorms)) {
        let ring = this.paramNorms.get(name);
        if (!ring) {
          ring = new Ring(STEP_CAPACITY);
          // Align a parameter first seen late with the steps before it.
          for (let i = 0; i < this.steps.length - 1; i++) ring.push(NaN);
          this.paramNorms.set(name, ring);
        }
        ring.push(value);
      }
      for (const ring of this.paramNorms.values()) if (ring.length < this.steps.length) ring.push(NaN);
      this.lastStep = r.step;
    }
    if (msPerStep > 0) this.msPerStep = msPerStep;
    this.measureRate();
  }

  private measureRate(): void {
    const now = performance.now();
    this.arrivals.push({ at: now, step: this.lastStep });
    while (this.arrivals.length > 2 && now - this.arrivals[0].at > 3000) this.arrivals.shift();
    const first = this.arrivals[0];
    const dt = (now - first.at) / 1000;
    this.stepsPerSecond = dt > 0.2 ? (this.lastStep - first.step) / dt : this.stepsPerSecond;
  }

  addValidation(step: number, loss: number): void {
    this.valSteps.push(step);
    this.valLoss.push(loss);
  }

  addBpttStep(t: number, T: number, norm: number, dh: Float32Array, done: boolean): void {
    if (!this.bptt || this.bptt.T !== T || t === T - 1) this.bptt = { T, t, norms: new Float32Array(T).fill(NaN), dh, done, decades: null };
    this.bptt.norms[t] = norm;
    this.bptt.decades = widenDecades(this.bptt.decades, [norm]);
    this.bptt.t = t;
    this.bptt.dh = dh;
    this.bptt.done = done;
  }

  setProbe(probe: ProbeReport): void {
    if (!this.first && probe.gradNormByTime.length > 0) this.first = { step: probe.step, curve: probe.gradNormByTime };
    if (probe.step >= this.nextSnapshot && probe.gradNormByTime.length > 0) {
      this.snapshots = [...this.snapshots, { step: probe.step, curve: probe.gradNormByTime }].slice(-SNAPSHOTS);
      this.nextSnapshot = Math.max(this.nextSnapshot * 2, probe.step + 1);
    }
    this.probe = probe;
  }
}

class Telemetry {
  readonly models = new Map<string, ModelTelemetry>();
  /** Bumped once per frame in which something changed. */
  version = 0;
  private readonly listeners = new Set<() => void>();
  private readonly fire = () => {
    this.version++;
    for (const l of this.listeners) l();
  };

  model(id: string): ModelTelemetry {
    let m = this.models.get(id);
    if (!m) {
      m = new ModelTelemetry();
      this.models.set(id, m);
    }
    return m;
  }

  /** Forgets one model's numbers (it was rebuilt, or left the comparison). */
  forget(id: string): void {
    this.models.delete(id);
  }

  changed(): void {
    onNextFrame(this.fire);
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

export const telemetry = new Telemetry();
