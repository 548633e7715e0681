// Generating text or melodies with a model of the run: its primer chosen (the start of the
// validation data, given tokens, or text), tokens made in the worker (src/train/generate.ts),
// the page told of progress about ten times a second with the tokens made so far. A cancel from
// the page, or any change of the run (a new configuration, data, reset, an opened run), stops
// the loop between two tokens; what was made comes back marked cancelled. The owner's queue
// stays serialized: the loop runs as one command, and a cancel is read beside the queue. A
// generation still waiting in the queue when the cancel comes is cancelled too: it is stamped
// with the cancel count when it arrives, runs no token, and is answered like any other.

import { generateTokens } from '../train/generate';
import type { GeneratePrimer, RunCommand, ToWorker } from './protocol';
import type { Session } from './session';

type GenerateCommand = Extract<RunCommand, { type: 'generate' }>;

const PROGRESS_MS = 100;
/** The most tokens one request makes. */
export const MAX_GENERATE = 4000;

export class Generations {
  /** Bumped by every cancel: a loop stops when it differs from the value it started with. */
  private epoch = 0;
  /** The cancel count when each generation arrived from the page. */
  private readonly arrived = new WeakMap<GenerateCommand, number>();

  cancel(): void {
    this.epoch++;
  }

  /**
   * Reads a message from the page as it arrives: a cancel, or anything that changes the run, stops
   * the generations made or waiting; a generation is stamped as it is queued, so a cancel from now
   * on stops it even before it starts. True when the message was the cancel (nothing to queue).
   */
  notice(message: ToWorker): message is Extract<ToWorker, { type: 'generate-cancel' }> {
    if (message.type === 'generate-cancel' || message.type === 'configure' || message.type === 'load-data' || message.type === 'reset' || message.type === 'open-run') this.cancel();
    if (message.type === 'generate') this.arrived.set(message, this.epoch);
    return message.type === 'generate-cancel';
  }

  async run(session: Session, command: GenerateCommand): Promise<void> {
    const epoch = this.arrived.get(command) ?? this.epoch;
    const m = session.modelRuns.find((x) => x.slot.id === command.modelId);
    const dataset = session.runDataset;
    if (!m || !dataset || dataset.kind !== 'tokens') throw new Error('Generating needs a model trained on text or melodies: configure one first.');
    const length = Math.floor(command.length);
    if (!(length >= 1 && length <= MAX_GENERATE)) throw new Error(`Generate between 1 and ${MAX_GENERATE} tokens (asked for ${command.length}).`);
    const { ids: primer, start } = primerIds(command.primer, dataset.ids, dataset.vocab, session.batchSource?.exportSamples(1));
    const step = m.trainer.optimizer.stepCount;
    let last = performance.now();
    // Cancelled while it waited in the queue: no token, answered all the same.
    const result = this.epoch !== epoch ? { ids: [], cancelled: true } : await generateTokens(session.ctx, m.trainer, {
      primer,
      length,
      temperature: command.temperature,
      seed: step + 1,
      onToken: (made) => {
        if (this.epoch !== epoch) return false;
        const now = performance.now();
        if (now - last >= PROGRESS_MS) {
          last = now;
          session.reply({ type: 'generate-progress', modelId: m.slot.id, made: made.length, total: length, ids: Int32Array.from(made) });
        }
        return true;
      },
    });
    session.reply({
      type: 'generated',
      modelId: m.slot.id,
      step,
      temperature: command.temperature,
      primer: Int32Array.from(primer),
      primerStart: start,
      ids: Int32Array.from(result.ids),
      cancelled: result.cancelled,
    });
  }
}

/** The primer's token ids, and where it starts in the data's stream (-1 when it is not from the data). */
export function primerIds(
  primer: GeneratePrimer,
  stream: ArrayLike<number>,
  vocab: readonly string[],
  samples?: { kind: string; valStarts?: Int32Array | null },
): { ids: number[]; start: number } {
  if (primer.kind === 'ids') {
    for (const id of primer.ids) if (!(Number.isInteger(id) && id >= 0 && id < vocab.length)) throw new Error(`The primer's token ${id} is not in the vocabulary of ${vocab.length}.`);
    return { ids: [...primer.ids], start: -1 };
  }
  if (primer.kind === 'text') {
    // Characters outside the vocabulary are skipped (a model cannot read them).
    const index = new Map(vocab.map((c, i) => [c, i]));
    return { ids: [...primer.text].map((c) => index.get(c)).filter((i): i is number => i !== undefined), start: -1 };
  }
  const valStarts = samples?.kind === 'tokens' ? samples.valStarts : null;
  const start = valStarts && valStarts.length ? valStarts[0] : 0;
  const n = Math.max(0, Math.min(Math.floor(primer.tokens), stream.length - start));
  return { ids: Array.from({ length: n }, (_, i) => stream[start + i]), start };
}
