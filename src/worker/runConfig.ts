// From the page's run configuration to what the trainer builds: each slot's model, the training
// settings, the truncated-BPTT chunk. A combination that cannot train is refused here, before
// anything on the GPU changes, with the setting to change named (RunConfigError.setting).

import type { ModelConfig } from '../models';
import { familyOf, kindLabel, slotModelConfig } from '../models/registry';
import { defaultOptimizer } from '../train/optimizers';
import type { TrainerConfig } from '../train/trainer';
import type { ModelSlot, RunConfig, SettingRef } from './protocol';
import { isDataError, makeBatchSource, type BatchSource, type Dataset } from '../data';

export class RunConfigError extends Error {
  constructor(
    message: string,
    readonly setting: SettingRef | null,
  ) {
    super(message);
    this.name = 'RunConfigError';
  }
}

/** The comparison slots in order; a slot's seed follows its id, so removing one leaves the others' runs as they were. */
const SLOT_ORDER = ['a', 'b', 'c'];

export function slotSeed(run: RunConfig, slot: ModelSlot, index: number): number {
  const k = SLOT_ORDER.indexOf(slot.id);
  return run.seed + (k >= 0 ? k : index);
}

/**
 * The model a slot trains. On a sequence-to-sequence task the recurrent kinds become an
 * encoder-decoder; Mamba reads the same window as one sequence (the source, then the shifted
 * target: a decoder-only model, causal, so each output sees the source and the targets before it).
 */
export function modelConfig(slot: ModelSlot, inputSize: number, source?: Pick<BatchSource, 'seq2seq'>): ModelConfig {
  return slotModelConfig(slot, inputSize, source);
}

/** The truncated-BPTT chunk: `tbptt` steps when it is shorter than the window, else the window. */
export function chunkLength(tbptt: number, T: number): number {
  return tbptt > 0 && tbptt < T ? tbptt : T;
}

export function trainerConfig(slot: ModelSlot, run: RunConfig, source: BatchSource, seed: number): TrainerConfig {
  const { training } = run;
  const T = source.seqLen;
  const k = chunkLength(training.tbptt, T);
  const model = (field: keyof ModelSlot): SettingRef => ({ scope: 'model', modelId: slot.id, field });
  const tbptt: SettingRef = { scope: 'training', field: 'tbptt' };
  const supports = familyOf(slot.kind).supports;
  // A slot keeps what another kind had set (Bidirectional ticked on an LSTM, then minGRU chosen): what its family does not support does not count.
  slot = { ...slot, bidirectional: supports.bidirectional && slot.bidirectional, initialState: supports.learnedInitialState ? slot.initialState : 'zeros' };
  if (source.seq2seq && supports.encoderDecoder) {
    if (slot.bidirectional) throw new RunConfigError("An encoder-decoder's encoder reads the source one way here: the decoder starts from the encoder's final state. Untick Bidirectional.", model('bidirectional'));
    if (k < T) throw new RunConfigError('An encoder-decoder reads the whole source before the decoder starts: truncated BPTT does not apply. Set the BPTT length to 0.', tbptt);
  }
  if (!supports.truncatedBptt && k < T) throw new RunConfigError(`${kindLabel(slot.kind)} carries no state from one window to the next: truncated BPTT does not apply. Set the BPTT length to the window length (or 0).`, tbptt);
  if (source.task === 'many-to-one' && k < T) throw new RunConfigError('Truncated BPTT needs a target at every step: it does not apply to many-to-one tasks. Set the BPTT length to 0.', tbptt);
  if (slot.clip !== undefined && !(slot.clip >= 0 && Number.isFinite(slot.clip))) throw new RunConfigError(`A model's gradient clip is a norm: 0 (off) or more (got ${slot.clip}).`, model('clip'));
  if (slot.bidirectional && k < T) throw new RunConfigError('A bidirectional model reads the whole window: truncated BPTT does not apply. Untick Bidirectional or set the BPTT length to 0.', model('bidirectional'));
  if (slot.initialState === 'learned' && k < T) throw new RunConfigError('With truncated BPTT each chunk starts from the state carried over, so a learned initial state does not apply: choose zeros.', model('initialState'));
  return {
    model: modelConfig(slot, source.inputSize, source),
    inputSize: source.inputSize,
    outputSize: source.outputSize,
    task: source.task,
    loss: source.loss,
    batch: training.batch,
    seqLen: k,
    optimizer: { ...defaultOptimizer(training.optimizer), lr: training.lr },
    clipNorm: slot.clip ?? training.clip,
    carryState: k < T,
    seed,
  };
}

/** The same slot, every field: a kept model's slot. */
export function sameSlot(a: ModelSlot, b: ModelSlot): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Same data choice, training settings (the speed aside) and seed: models can carry on. */
export function sameRunSettings(a: RunConfig, b: RunConfig): boolean {
  // How fast to play and when to pause change nothing a model has learned.
  const learning = (t: RunConfig['training']) => JSON.stringify({ ...t, speed: 0, pauseAt: 0, patience: 0 });
  return a.seed === b.seed && JSON.stringify(a.data) === JSON.stringify(b.data) && learning(a.training) === learning(b.training);
}

/** The batch source for a run; a data problem names the setting that would fix it. */
export function prepareSource(dataset: Dataset, run: RunConfig): BatchSource {
  try {
    return makeBatchSource(dataset, run.data, run.training.seqLen);
  } catch (error) {
    if (error instanceof RunConfigError) throw error;
    throw new RunConfigError((error as Error).message ?? String(error), dataSetting(error));
  }
}

function dataSetting(error: unknown): SettingRef | null {
  if (!isDataError(error)) return /input column/.test(String((error as Error)?.message)) ? { scope: 'data', field: 'inputColumns' } : null;
  if (error.code === 'too-few-rows') return { scope: 'training', field: 'seqLen' };
  if (error.code === 'missing-values') return { scope: 'data', field: 'missing' };
  if (error.code === 'bad-option') return { scope: 'data', field: 'inputColumns' };
  return null;
}
