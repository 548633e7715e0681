// Generating a sequence from a trained character-level model: a copy of the model with batch 1
// and one step per call, its state carried from character to character, sampling each next
// character from softmax(logits / temperature).

import type { KernelContext } from '../kernels/registry';
import { Random } from '../data/random';
import { Trainer } from './trainer';

export async function sampleText(
  ctx: KernelContext,
  trained: Trainer,
  vocab: readonly string[],
  opts: { prompt: string; length: number; temperature: number; seed: number },
): Promise<string> {
  const V = vocab.length;
  if (trained.cfg.inputSize !== V || trained.cfg.loss !== 'cross_entropy') throw new Error('Sampling needs a character-level model (one-hot inputs, cross-entropy).');
  // The stepper starts from zeros and carries its state (a learned h0 is not applied here).
  const model = { ...trained.cfg.model, initialState: 'zeros' as const };
  const stepper = await Trainer.create(ctx, { ...trained.cfg, model, batch: 1, seqLen: 1, carryState: true, task: 'many-to-many' }, await trained.readParams());
  try {
    const rng = new Random(opts.seed);
    const index = new Map(vocab.map((c, i) => [c, i]));
    const oneHot = (id: number) => {
      const x = new Float32Array(V);
      x[id] = 1;
      return x;
    };
    // Prime the state with the prompt (characters outside the vocabulary are skipped).
    const prompt = [...opts.prompt].map((c) => index.get(c)).filter((i): i is number => i !== undefined);
    let next = prompt.length ? prompt[prompt.length - 1] : rng.int(V);
    for (const id of prompt.slice(0, -1)) await stepper.infer(oneHot(id));
    let out = '';
    for (let k = 0; k < opts.length; k++) {
      const logits = await stepper.infer(oneHot(next));
      next = sampleLogits(logits, Math.max(opts.temperature, 1e-3), rng);
      out += vocab[next];
    }
    return out;
  } finally {
    stepper.destroy();
  }
}

export function sampleLogits(logits: ArrayLike<number>, temperature: number, rng: { next(): number }): number {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i] / temperature);
  const p = Array.from(logits, (z) => Math.exp(z / temperature - max));
  const total = p.reduce((a, b) => a + b, 0);
  let u = rng.next() * total;
  for (let i = 0; i < p.length; i++) {
    u -= p[i];
    if (u <= 0) return i;
  }
  return p.length - 1;
}
