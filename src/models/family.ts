// What a model family provides, as types: the contract src/models/registry.ts holds every family
// to. Two levels, because one family can build more than one kind of model configuration (the
// recurrent family builds stacks and, on a sequence-to-sequence task, encoder-decoders):
//   ModelFamily  what the page and the worker need about the kinds a person picks on a model card
//   ModelEngine  what the trainer, the weights files and the float64 reference need about one
//                ModelConfig kind (`config.kind`), keyed by that kind in the family's `engines`
// Types only: nothing here runs, so the UI can import it freely.

import type { Random } from '../data/random';
import type { KernelContext } from '../kernels/registry';
import type { CheckOptions, CheckResult } from '../train/checkFixture';
import type { Tape } from '../train/tape';
import type { Fixture, FixtureTensor } from '../reference/fixtureFormat';
import type { ModelKind, ModelSlot } from '../worker/protocol';
import type { Encoder } from '.';
import type { RecurrentIO } from './recurrent';

/** The numeric fields of a slot a model card can show (ModelSlot's, since the slot crosses to the worker as is). */
export type SlotNumberKey = 'layers' | 'hidden' | 'dState' | 'expand' | 'forgetBias' | 'recurrentScale';

/** One number field of a model card, rendered generically by src/ui/model/ModelCard.tsx. */
export interface SlotField {
  key: SlotNumberKey;
  label: string;
  min: number;
  max: number;
  integer: boolean;
  /** The value a fresh slot of this family starts with. */
  default: number;
  /** The kinds whose card shows it and whose model uses it (default: every kind of the family). */
  kinds?: readonly string[];
  /** A line under the field: what the value means. */
  hint?: string;
}

/** One entry of the model card's kind menu. */
export interface SlotKind<K extends string = ModelKind> {
  kind: K;
  label: string;
  /** Position when "Add model" picks a kind not yet in the run (lowest first): a contrast shows at once. */
  addOrder: number;
}

/** The slot's URL text (`lstm.1.32.16.2.0.z`), both ways; decode returns null for text it cannot read. */
export interface SlotCodec {
  encode(slot: ModelSlot): string;
  decode(text: string, defaults: ModelSlot): ModelSlot | null;
}

/** What a slot's model configuration depends on besides the slot: the task's shape. */
export interface SlotContext {
  /** Present on sequence-to-sequence tasks: the first sourceLength steps are the source. */
  seq2seq?: { sourceLength: number } | null;
}

export interface FixtureFamily {
  /** The fixture kinds (`kind` of a test-data/torch file) this family reads and checks. */
  kinds: readonly string[];
  /** Keys a fixture of `kind` must have besides name, kind, config and inputs (default: params, cotangents, outputs, grads; train_*: see fixtures.ts). */
  requiredKeys?(kind: string): string[] | undefined;
  /** Shape checks beyond the generic ones; `expectShape` fails with the file's name. */
  validate?(fx: Fixture, expectShape: (where: string, t: FixtureTensor | undefined, shape: number[], why?: string) => void): void;
  /** Runs the fixture through the WGSL kernels (the GPU code loads only when called). */
  check(ctx: KernelContext, fx: Fixture, options: CheckOptions): Promise<CheckResult>;
}

export interface ModelEngine<C> {
  /** [name, shape] of every parameter, PyTorch state_dict names and order. */
  parameterShapes(cfg: C): Array<[string, number[]]>;
  /** PyTorch's initialisation, drawn from the seeded generator in parameter order. */
  init(cfg: C, rng: Random): Record<string, Float32Array>;
  /** (L·D, H) shapes of carried state for truncated BPTT, or null when the model has none. */
  stateShape(cfg: C): { rows: number; hidden: number; cell: boolean } | null;
  /** Records the model on the GPU tape (the GPU code loads only when called). */
  build(ctx: KernelContext, cfg: C, T: number, B: number, io: RecurrentIO, tape: Tape): Promise<Encoder>;
  /** Width of the features the head reads at each step. */
  outputSize(cfg: C): number;
  /** Float64 forward on the CPU: x [B, T, inputSize] → features [B, T, outputSize]. */
  referenceForward(cfg: C, params: Record<string, Float64Array>, x: Float64Array, batch: number): Float64Array;
  /** The configuration in words, from what a weights file says (fields may be missing: '?'). */
  describe(model: Record<string, unknown>): string;
}

/** A ModelEngine for each config kind of the union C. */
export type EnginesOf<C extends { kind: string }> = { [K in C['kind']]: ModelEngine<Extract<C, { kind: K }>> };

export interface ModelFamily<C extends { kind: string } = { kind: string }, K extends string = string> {
  /** The family in a few words (e.g. "Recurrent (RNN, LSTM, GRU)"). */
  label: string;
  /** The kinds a model card offers for this family. */
  kinds: readonly SlotKind<K>[];
  /** The number fields its card shows, in order. */
  fields: readonly SlotField[];
  supports: {
    bidirectional: boolean;
    /** A trainable initial state (the card's "Initial state: learned"). */
    learnedInitialState: boolean;
    /** State carried from one window to the next, so truncated BPTT applies. */
    truncatedBptt: boolean;
    /** On a sequence-to-sequence task it becomes an encoder-decoder (src/models/families/seq2seq.ts). */
    encoderDecoder: boolean;
  };
  /** Which probe views apply: the step-through of BPTT, the parallel-scan schedule. */
  views: { bpttStepThrough: boolean; scan: boolean };
  urlCodec: SlotCodec;
  /** The model a slot trains (what the worker builds). */
  slotConfig(slot: ModelSlot, inputSize: number, context?: SlotContext): C;
  /** A configured slot in a few characters, as every view labels it ("LSTM 32 ×2"). */
  slotLabel(slot: ModelSlot): string;
  engines: EnginesOf<C>;
  fixtures: FixtureFamily;
  /** Never set: carries C so that the registry can name ModelConfig (TypeScript does not infer it back through slotConfig, whose ModelSlot refers to the registry). */
  readonly configType?: C;
}
