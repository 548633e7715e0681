// What the page is told of a run the session has just built: each model's size, schedule and
// window, whether it kept its training from the run before, and what preparing the data changed
// (a fitted window, no validation, warnings).

import type { BatchSource } from '../data';
import type { RunReply } from './protocol';
import type { ModelRun } from './session';

type Configured = Omit<Extract<RunReply, { type: 'configured' }>, 'generation'>;

/** `kept`: the models that carried on from the run before; `joinedAt`: the step they were at (null when none kept). */
export function configuredReply(models: readonly ModelRun[], source: BatchSource, batch: number, kept: ReadonlySet<string>, joinedAt: number | null): Configured {
  const validation = source.validation(batch) !== null;
  return {
    type: 'configured',
    warnings: source.warnings,
    fitNotes: source.fitNotes,
    noValidation: source.noValidation,
    models: models.map((m) => ({
      id: m.slot.id,
      parameters: m.trainer.layout.fields.reduce((s, f) => s + f.size, 0),
      schedule: m.trainer.encoder.schedule,
      names: m.trainer.layout.fields.map((f) => f.name),
      seqLen: m.trainer.cfg.seqLen,
      kept: kept.has(m.slot.id),
      joinedAt: kept.has(m.slot.id) ? null : joinedAt,
      validation,
    })),
  };
}
