// The models the trainer can build, behind one small interface: parameter shapes, initial values,
// and a builder that records forward and backward ops on the tape.

import type { Random } from '../data/random';
import type { Tensor } from '../gpu/tensor';
import type { KernelContext } from '../kernels/registry';
import type { Tape } from '../train/tape';
import { initMambaModel, MambaEncoder, mambaModelParameterShapes, type MambaModelConfig } from './mamba';
import { RecurrentStack, initRecurrent, recurrentParameterShapes, type ProbeViews, type RecurrentConfig, type RecurrentIO, type StepThrough } from './recurrent';
import { initSeq2Seq, seq2seqParameterShapes, Seq2SeqModel, type Seq2SeqConfig } from './seq2seq';

export type { MambaModelConfig, ProbeViews, Seq2SeqConfig, StepThrough };

export type ModelConfig = ({ kind: 'recurrent' } & RecurrentConfig) | ({ kind: 'mamba' } & MambaModelConfig) | ({ kind: 'seq2seq' } & Seq2SeqConfig);

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

export function modelSpec(cfg: ModelConfig): ModelSpec {
  switch (cfg.kind) {
    case 'recurrent':
      return {
        parameterShapes: () => recurrentParameterShapes(cfg),
        init: (rng) => initRecurrent(cfg, rng),
        stateShape: () => ({ rows: cfg.numLayers * (cfg.bidirectional ? 2 : 1), hidden: cfg.hiddenSize, cell: cfg.cell === 'lstm' }),
        build: (ctx, T, B, io, tape) => RecurrentStack.build(ctx, cfg, T, B, io, tape),
      };
    case 'mamba':
      return {
        parameterShapes: () => mambaModelParameterShapes(cfg),
        init: (rng) => initMambaModel(cfg, rng),
        // No carried state: every window starts from h = 0 (truncated BPTT does not apply).
        stateShape: () => null,
        build: (ctx, T, B, io, tape) => MambaEncoder.build(ctx, cfg, T, B, io, tape),
      };
    case 'seq2seq':
      return {
        parameterShapes: () => seq2seqParameterShapes(cfg),
        init: (rng) => initSeq2Seq(cfg, rng),
        // Each window is one source and its target: no state carries over between windows.
        stateShape: () => null,
        build: (ctx, T, B, io, tape) => Seq2SeqModel.build(ctx, cfg, T, B, io, tape),
      };
  }
}
