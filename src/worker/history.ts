// A model's loss history as the worker sent it to the page: the step reports (loss, gradient norm,
// clip factor) and the validation losses. The page keeps its own copy in ring buffers for drawing;
// this one is what a saved run keeps, so a reopened run redraws its loss chart. Per-parameter
// gradient norms are left out: they are a view of the moment, and the largest part by far.

import type { StepStats } from '../train/trainer';

/** As many steps as the page's rings hold (src/ui/telemetry.ts): older ones fall off. */
const STEP_CAPACITY = 20_000;
const VALIDATION_CAPACITY = 2_000;

/** A history as plain arrays (it goes into IndexedDB). */
export interface SavedHistory {
  steps: Float64Array;
  loss: Float32Array;
  gradNorm: Float32Array;
  clipScale: Float32Array;
  valSteps: Float64Array;
  valLoss: Float32Array;
}

export class ModelHistory {
  private steps: number[] = [];
  private loss: number[] = [];
  private gradNorm: number[] = [];
  private clipScale: number[] = [];
  private valSteps: number[] = [];
  private valLoss: number[] = [];

  static from(saved: SavedHistory): ModelHistory {
    const h = new ModelHistory();
    h.steps = [...saved.steps];
    h.loss = [...saved.loss];
    h.gradNorm = [...saved.gradNorm];
    h.clipScale = [...saved.clipScale];
    h.valSteps = [...saved.valSteps];
    h.valLoss = [...saved.valLoss];
    return h;
  }

  addStep(s: StepStats): void {
    this.steps.push(s.step);
    this.loss.push(s.loss);
    this.gradNorm.push(s.gradNorm);
    this.clipScale.push(s.clipScale);
    if (this.steps.length > STEP_CAPACITY) for (const a of [this.steps, this.loss, this.gradNorm, this.clipScale]) a.shift();
  }

  addValidation(step: number, loss: number): void {
    this.valSteps.push(step);
    this.valLoss.push(loss);
    if (this.valSteps.length > VALIDATION_CAPACITY) for (const a of [this.valSteps, this.valLoss]) a.shift();
  }

  /** The lowest validation loss so far (NaN ignored), or null before the first. */
  get bestValidation(): number | null {
    const finite = this.valLoss.filter(Number.isFinite);
    return finite.length ? Math.min(...finite) : null;
  }

  save(): SavedHistory {
    return {
      steps: Float64Array.from(this.steps),
      loss: Float32Array.from(this.loss),
      gradNorm: Float32Array.from(this.gradNorm),
      clipScale: Float32Array.from(this.clipScale),
      valSteps: Float64Array.from(this.valSteps),
      valLoss: Float32Array.from(this.valLoss),
    };
  }

  /** The step reports as the page receives them (per-parameter norms left out). */
  stepReports(): StepStats[] {
    return this.steps.map((step, i) => ({ step, loss: this.loss[i], gradNorm: this.gradNorm[i], clipScale: this.clipScale[i], nonFinite: !Number.isFinite(this.loss[i]), paramNorms: {} }));
  }

  /** Evaluations since the lowest validation loss (0 when the latest is the lowest; NaN never counts as lower). */
  evaluationsSinceBest(): number {
    let best = 0;
    for (let i = 1; i < this.valLoss.length; i++) if (this.valLoss[i] < this.valLoss[best] || Number.isNaN(this.valLoss[best])) best = i;
    return this.valLoss.length === 0 ? 0 : this.valLoss.length - 1 - best;
  }

  validations(): Array<{ step: number; loss: number }> {
    return this.valSteps.map((step, i) => ({ step, loss: this.valLoss[i] }));
  }
}
