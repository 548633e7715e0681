// The models the trainer can build, behind one small interface: parameter shapes, initial values,
// and a builder that records forward and backward ops on the tape. Each family's engine provides
// them (src/models/registry.ts).

import type { Random } from '../data/random';
import type { Tensor } from '../gpu/tensor';
import type { KernelContext } from '../kernels/registry';
import type { Tape } from '../train/tape';
import type { MambaModelConfig } from './mambaParams';
import type { ProbeViews, RecurrentIO, StepThrough } from './recurrent';
import { engineOf, type ModelConfig } from './registry';
import type { Seq2SeqConfig } from './families/seq2seq';

export type { MambaModelConfig, ModelConfig, ProbeViews, Seq2SeqConfig, StepThrough };

export interface Encoder {
  /** (T, B, outputSize) features for the head; `dOut` receives their gradient. */
  readonly out: Tensor;
  readonly dOut: Tensor;
  readonly outputSize: number;
  /** Final states (L·D, B, H) and the carried-state inputs, when the model has them. */
  readonly hN?: Tensor;
  readonly cN?: Tensor | null;
  probeViews(sample: number, layer: number): Promise<ProbeViews>;
  /** BPTT one timestep at a time, for models with a recurrence to walk (absent otherwise). */
  stepThrough?(): StepThrough;
  /** How the GPU runs the model's sequence kernel, in a few words (for the model card). */
  readonly schedule: string;
  destroy(): void;
}

export interface ModelSpec {
  parameterShapes(): Array<[string, number[]]>;
  init(rng: Random): Record<string, Float32Array>;
  /** (L·D, H) shapes of carried state for truncated BPTT, or null when the model has none. */
  stateShape(): { rows: number; hidden: number; cell: boolean } | null;
  build(ctx: KernelContext, T: number, B: number, io: RecurrentIO, tape: Tape): Promise<Encoder>;
}

/** The model a configuration describes, from its family's engine (src/models/registry.ts). */
export function modelSpec(cfg: ModelConfig): ModelSpec {
  const engine = engineOf(cfg);
  return {
    parameterShapes: () => engine.parameterShapes(cfg),
    init: (rng) => engine.init(cfg, rng),
    stateShape: () => engine.stateShape(cfg),
    build: (ctx, T, B, io, tape) => engine.build(ctx, cfg, T, B, io, tape),
  };
}
