// A run moving to the other backend (WebGPU ⇄ CPU, the GPU panel's switch): everything a saved
// run keeps is read from the old device (parameters, optimizer state, histories, the sampler),
// and the run is built again on the new one from it, so its next step is the one it would have
// taken where it was. The owner (./owner.ts) lets the old device go in between.

import type { Session } from './session';
import type { DataSummary } from './protocol';
import { checkpoint, type DataOrigin } from './saver';
import { summarize } from './summary';

export interface Moving {
  exported: ReturnType<Session['exportState']>;
  /** Every model's parameters, optimizer state and history; null when there was no run to read. */
  resume: Awaited<ReturnType<typeof checkpoint>>['state'] | null;
  /** Whether it was playing: it plays on after the move. */
  running: boolean;
}

/** Pauses the run and reads its whole state (the origin tells a file's bytes; without one, the last snapshots). */
export async function captureMove(session: Session, origin: DataOrigin | undefined): Promise<Moving> {
  const running = session.isRunning;
  await session.pause();
  const exported = session.exportState();
  const resume = origin && session.modelRuns.length > 0 ? (await checkpoint(session, origin)).state : null;
  return { exported, resume, running };
}

/**
 * Builds the moved run on `session` (a fresh one on the new device) and tells the page its data
 * came back ("Moved to <where>."), from `told` (what the page was told of it) when that is the same data.
 */
export async function restoreMove(session: Session, moving: Moving, where: string, told: DataSummary | null, dataLoaded: (summary: DataSummary) => void): Promise<void> {
  const { exported, resume, running } = moving;
  try {
    if (exported.dataset) session.setDataset(exported.dataset);
    if (exported.dataset && exported.run) {
      const initial = resume ? new Map(resume.models.map((m) => [m.id, m.params])) : exported.snapshots;
      await session.configure(exported.run, { generation: exported.generation, initial, resume: resume ?? undefined });
    }
  } finally {
    if (exported.dataset) {
      const note = `Moved to ${where}.`;
      dataLoaded(told ? { ...told, description: `${told.description} ${note}` } : summarize(exported.dataset, note));
    }
  }
  if (running) session.play();
}
