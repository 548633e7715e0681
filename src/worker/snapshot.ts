// What a lost GPU device must not take with it: every model's parameters, optimizer state and
// loss history, read back to the CPU at one step (every couple of seconds while training, and
// before a run is rebuilt), with the sampler's position. Session.exportState hands it to the owner;
// Session.restore builds the same run on a new device from it.

import type { Random } from '../data/random';
import type { RunState, SavedModel } from './persist';
import type { ModelRun } from './session';

export type Params = Record<string, Float32Array>;

/** A run to carry on exactly: each model's optimizer state and history, the sampler's position. */
export type ResumePoint = Pick<RunState, 'random' | 'window'> & { models: Omit<SavedModel, 'params'>[] };

export class Snapshots {
  /** The last parameters read, per slot id (also a run's starting parameters, until the first read). */
  params = new Map<string, Params>();
  /** The rest of the last whole read; null until one covers the models of the run now. */
  resume: ResumePoint | null = null;

  /** Reads every model at one step; a failed read keeps the last. */
  async take(models: readonly ModelRun[], device: GPUDevice, random: Random, window: number): Promise<void> {
    const params = new Map<string, Params>();
    const read: ResumePoint['models'] = [];
    try {
      for (const m of models) {
        // Step reports still on their way belong in the history.
        await m.trainer.idle();
        params.set(m.slot.id, await m.trainer.readParams());
        read.push({ id: m.slot.id, optimizer: await m.trainer.optimizer.readState(device), history: m.history.save() });
      }
    } catch {
      return;
    }
    for (const [id, p] of params) this.params.set(id, p);
    this.resume = { models: read, random: random.getState(), window };
  }
}

/** How a run restored from a snapshot is configured: from its parameters, and exactly where it was when the snapshot is whole. */
export function restoreOptions(state: { run: { models: { id: string }[] }; generation: number; snapshots: Map<string, Params>; resume: ResumePoint | null }) {
  const resume = state.resume;
  const whole = resume !== null && state.run.models.every((s) => state.snapshots.has(s.id) && resume.models.some((m) => m.id === s.id));
  return { generation: state.generation, initial: state.snapshots, ...(whole ? { resume } : {}) };
}
