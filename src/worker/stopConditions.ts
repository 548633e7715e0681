// The training settings' stop conditions, decided by the worker after each window while playing:
// "Pause at step" (the first model's step reaches it) and "Pause when validation stalls" (no
// model's validation loss better for `patience` evaluations). Plain logic, no GPU.

import type { TrainingSettings } from './protocol';

export interface StopState {
  /** The first model's step before the window and after it. */
  stepBefore: number;
  step: number;
  /** Whether the window ended with a validation of every model. */
  validated: boolean;
  /** For each model still training: evaluations since its best validation loss. */
  sinceBest: number[];
}

export type Stop = { kind: 'step' | 'stalled'; reason: string };

/** Why to pause after this window, or null to play on. */
export function stopAfterWindow(training: Pick<TrainingSettings, 'pauseAt' | 'patience'>, s: StopState): Stop | null {
  const { pauseAt = 0, patience = 0 } = training;
  const at = s.step.toLocaleString('en-US');
  if (pauseAt > 0 && s.stepBefore < pauseAt && s.step >= pauseAt) return { kind: 'step', reason: `paused at step ${at}, as "Pause at step" asks` };
  if (s.validated && patience > 0 && s.sinceBest.length > 0 && s.sinceBest.every((n) => n >= patience)) {
    return { kind: 'stalled', reason: `paused at step ${at}: no validation loss has improved for ${patience} evaluation${patience === 1 ? '' : 's'}` };
  }
  return null;
}
