// Generating tokens with a trained token model (characters or notes): read a primer, then sample
// each next token from softmax(logits / temperature) and feed it back in. Models that carry a
// state (RNN, LSTM, GRU, minGRU, minLSTM) step one token at a time; Mamba, which has no state to
// carry here, reads a sliding window of the last tokens through its whole-window pass (causal, so
// the zeros after the tokens read change nothing). The caller hears of every token and may stop
// the loop between steps (cancel), keeping what was made so far.

import type { KernelContext } from '../kernels/registry';
import { engineOf } from '../models/registry';
import { Random } from '../data/random';
import { argmax, makeStepper, sampleLogits } from './sampling';
import { Trainer } from './trainer';

export interface GenerateOptions {
  /** Token ids read first (may be empty: the first token is then drawn uniformly). */
  primer: readonly number[];
  /** How many tokens to make. */
  length: number;
  /** 0 is greedy (the most likely token every time). */
  temperature: number;
  seed: number;
  /** Told after each token (all made so far); returning false stops the loop there. */
  onToken?: (made: readonly number[]) => boolean | Promise<boolean>;
}

export interface Generated {
  ids: number[];
  /** Stopped by onToken before `length` tokens. */
  cancelled: boolean;
}

/** Why a model cannot generate tokens, or null when it can. */
export function generateRefusal(trained: Trainer): string | null {
  const { cfg } = trained;
  if (cfg.loss !== 'cross_entropy' || cfg.inputSize !== cfg.outputSize) return 'Generating needs a token model: one-hot tokens in, the next token\'s classes out (text or melodies).';
  if (cfg.model.kind === 'seq2seq') return 'An encoder-decoder answers a source; it does not continue a sequence.';
  if ('bidirectional' in cfg.model && cfg.model.bidirectional) return 'A bidirectional model reads each window from both ends, so it has seen the future: it cannot generate. Untick Bidirectional.';
  return null;
}

export async function generateTokens(ctx: KernelContext, trained: Trainer, opts: GenerateOptions): Promise<Generated> {
  const refusal = generateRefusal(trained);
  if (refusal) throw new Error(refusal);
  const V = trained.cfg.inputSize;
  for (const id of opts.primer) if (!(Number.isInteger(id) && id >= 0 && id < V)) throw new Error(`generate: primer token ${id} is outside the vocabulary of ${V}.`);
  const rng = new Random(opts.seed);
  const pick = (logits: ArrayLike<number>) => (opts.temperature <= 0 ? argmax(logits) : sampleLogits(logits, opts.temperature, rng));
  const next = engineOf(trained.cfg.model).stateShape(trained.cfg.model) === null ? await windowed(ctx, trained) : await stepping(ctx, trained);
  const made: number[] = [];
  try {
    const context = [...opts.primer];
    if (context.length === 0) context.push(rng.int(V));
    let logits = await next.prime(context);
    for (let k = 0; k < opts.length; k++) {
      const id = pick(logits);
      made.push(id);
      if (opts.onToken && !(await opts.onToken(made))) return { ids: made, cancelled: k + 1 < opts.length };
      if (k + 1 < opts.length) logits = await next.read(id);
    }
    return { ids: made, cancelled: false };
  } finally {
    next.destroy();
  }
}

/** Logits of the token after a context: `prime` reads the context, `read` one more token. */
interface NextToken {
  prime(context: readonly number[]): Promise<Float32Array>;
  read(id: number): Promise<Float32Array>;
  destroy(): void;
}

async function stepping(ctx: KernelContext, trained: Trainer): Promise<NextToken> {
  const stepper = await makeStepper(ctx, trained);
  const V = trained.cfg.inputSize;
  const read = (id: number) => {
    const x = new Float32Array(V);
    x[id] = 1;
    return stepper.infer(x);
  };
  return {
    async prime(context) {
      let logits: Float32Array = new Float32Array(V);
      for (const id of context) logits = await read(id);
      return logits;
    },
    read,
    destroy: () => stepper.destroy(),
  };
}

/** The model's training window length: the last that many tokens are read for each next one. */
async function windowed(ctx: KernelContext, trained: Trainer): Promise<NextToken> {
  const { inputSize: V, outputSize: O } = trained.cfg;
  const L = trained.cfg.seqLen;
  const copy = await Trainer.create(ctx, { ...trained.cfg, batch: 1, seqLen: L, carryState: false, task: 'many-to-many' }, await trained.readParams());
  let context: number[] = [];
  const pass = async () => {
    const last = context.slice(-L);
    const x = new Float32Array(L * V);
    last.forEach((id, t) => (x[t * V + id] = 1));
    // With batch 1 the head's rows are the steps in order.
    const pred = await copy.infer(x);
    return pred.slice((last.length - 1) * O, last.length * O);
  };
  return {
    prime(c) {
      context = [...c];
      return pass();
    },
    read(id) {
      context.push(id);
      return pass();
    },
    destroy: () => copy.destroy(),
  };
}
