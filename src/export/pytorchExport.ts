// "Export to PyTorch": one zip that carries a run on in PyTorch. It holds
//   model.py            the model in torch.nn under its weights' names (./modelPy.ts)
//   weights.safetensors the parameters as the page has them now (src/train/weights.ts)
//   optimizer.safetensors the optimizer's state at the same step (Adam's exp_avg/exp_avg_sq, SGD's
//                       momentum_buffer, under `<state>.<parameter>`; the step count in __metadata__)
//   data.safetensors    the run's samples (the normalised table and its window starts, the token
//                       ids, or every sample) and the validation batch's samples, in order
//   config.json         the model, the training settings, the data's columns, normalisation and
//                       split, and the validation loss the page computed for these weights
//   train.py, _st.py    evaluation and training with the page's semantics, under torchrun too;
//                       a small safetensors reader and writer, so only torch is needed
//   README.md           how to run it
// Every model kind is covered: tanh RNN, LSTM, GRU (bidirectional, learned initial states),
// minGRU, minLSTM, Mamba, and the encoder-decoders. What train.py must reproduce, and how, is said
// at the top of ./python/train.py.

import type { SampleExport } from '../data/source';
import type { SlabLayout } from '../gpu/tensor';
import type { OptimizerState } from '../train/optimizers';
import { writeSafetensors } from '../train/safetensors';
import { encoderOutputSize, type TrainerConfig } from '../train/trainer';
import { weightsSafetensors } from '../train/weights';
import { version as appVersion } from '../../package.json';
import { modelPy } from './modelPy';
import safetensorsPy from './python/_st.py?raw';
import trainPy from './python/train.py?raw';
import { writeZip } from './zip';

export const EXPORT_FORMAT = 'timestep-pytorch';

/** Everything an export is made of, read from the run at the moment of the request. */
export interface PytorchExportInput {
  /** The model as the page labels it ("LSTM 8"). */
  label: string;
  dataset: string;
  /** Optimizer steps taken. */
  step: number;
  cfg: TrainerConfig;
  layout: SlabLayout;
  values: Record<string, Float32Array>;
  /** The optimizer's state read with `values` (its slabs in `layout`): train.py carries on with it. */
  optimizer: OptimizerState;
  /** Steps per training window (cfg.seqLen is the truncated-BPTT chunk when shorter). */
  windowLength: number;
  samples: SampleExport;
  /** Token strings of a text run (for config.json). */
  vocab?: string[];
  /** The page's validation loss for these weights, or null without a validation split. */
  validationLoss: number | null;
}

/** `timestep-<dataset>-<model>.zip`, lower case, dashes for anything else. */
export function exportFileName(dataset: string, label: string): string {
  const slug = (s: string) =>
    s
      .toLowerCase()
      .replace(/\.[a-z0-9]+$/, '')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '');
  return `timestep-${slug(dataset) || 'data'}-${slug(label) || 'model'}.zip`;
}

type Tensors = Array<{ name: string; shape: number[]; data: Float32Array | Int32Array }>;

/** data.safetensors's tensors and config.json's "data" section. */
function dataPart(input: PytorchExportInput): { tensors: Tensors; config: Record<string, unknown> } {
  const s = input.samples;
  const { cfg, windowLength: T } = input;
  const common = { kind: s.kind, seq_len: T, train_count: s.trainCount, val_count: s.valCount };
  const tensors: Tensors = s.valBatch ? [{ name: 'val_batch', shape: [s.valBatch.length], data: s.valBatch }] : [];
  const starts = (name: string, v: Int32Array | null) => (v ? [{ name, shape: [v.length], data: v }] : []);
  if (s.kind === 'windows') {
    const n = s.normalization;
    const rows = s.table.length / s.cols;
    tensors.push({ name: 'table', shape: [rows, s.cols], data: s.table }, { name: 'input_cols', shape: [s.inputCols.length], data: s.inputCols }, { name: 'target_cols', shape: [s.targetCols.length], data: s.targetCols });
    tensors.push(...starts('train_starts', s.trainStarts), ...starts('val_starts', s.valStarts));
    const inputs = Array.from(s.inputCols, (j) => n.columns[j]);
    const targets = Array.from(s.targetCols, (j) => n.columns[j]);
    return { tensors, config: { ...common, rows, columns: n.columns, inputs, targets, target_offset: s.targetOffset, normalization: { kind: n.kind, offset: n.offset, scale: n.scale, fit_rows: n.fitRows }, train_rows: n.fitRows } };
  }
  if (s.kind === 'tokens') {
    tensors.push({ name: 'ids', shape: [s.ids.length], data: s.ids }, ...starts('train_starts', s.trainStarts), ...starts('val_starts', s.valStarts));
    return { tensors, config: { ...common, vocab_size: s.vocabSize, vocab: input.vocab ?? null } };
  }
  // One sample's target: (T, O) or (T) class ids on every step; (O) or one id for many-to-one.
  const perStep = cfg.loss === 'mse' ? [cfg.outputSize] : [];
  const yShape = cfg.task === 'many-to-many' ? [T, ...perStep] : perStep;
  const sample = (name: string, x: Float32Array | null, y: Float32Array | null, count: number) =>
    x && y
      ? [
          { name: `${name}_x`, shape: [count, T, cfg.inputSize], data: x },
          { name: `${name}_y`, shape: [count, ...yShape], data: y },
        ]
      : [];
  tensors.push(...sample('train', s.trainX, s.trainY, s.trainCount), ...sample('val', s.valX, s.valY, s.valCount));
  return { tensors, config: common };
}

function readme(input: PytorchExportInput): string {
  return `# ${input.label} on ${input.dataset}, from Timestep

The run as the page had it at step ${input.step}, to carry on in PyTorch (only \`torch\` is needed).

    python3 train.py --evaluate                       # the validation loss; the page's was ${input.validationLoss ?? 'not computed (no validation split)'}
    python3 train.py --steps 200                      # 200 more training windows; writes weights.safetensors
    torchrun --nproc_per_node=4 train.py --steps 200  # the same on 4 processes (DistributedDataParallel: gloo on CPU, nccl on GPUs)

With Debian's torch 1.13 on Python 3.11, torchrun needs \`--redirects 1 --tee 1\` (it cannot
read its own default otherwise).

- \`model.py\`: the model in torch.nn, under the parameter names of \`weights.safetensors\`
  (\`model.load_state_dict\` takes it as it is).
- \`config.json\`: the model, the training settings (optimizer, learning rate, batch, window,
  truncated BPTT, clipping, seed), the data's columns, normalisation and split, and
  \`expected_validation_loss\`, the page's.
- \`data.safetensors\`: the samples the run trains and validates on (\`val_batch\`: the page's validation batch).
- \`train.py\`: evaluation and training with the page's semantics (see its docstring); \`_st.py\` reads and writes safetensors.

- \`optimizer.safetensors\`: the optimizer's state at step ${input.step} (${input.cfg.optimizer.kind === 'adam' ? "Adam's moments" : "SGD's momentum buffer"}); train.py
  carries on with it as the page would (\`--fresh-optimizer\` starts from zero instead) and writes it
  back beside the weights.

\`weights.safetensors\` as train.py writes it loads back on the model's card ("Load weights…").
`;
}

/** What torch.optim keeps per parameter, by the optimizer's state slabs in order. */
export const OPTIMIZER_STATE_NAMES = { adam: ['exp_avg', 'exp_avg_sq'], sgd: ['momentum_buffer'] } as const;

/**
 * The optimizer's state per parameter under torch.optim's names, `exp_avg.encoder.weight_hh_l0`
 * and so on, cut out of the state slabs by the parameter layout; the step count (PyTorch's
 * `state["step"]`, Adam's bias corrections) in `__metadata__`.
 */
export function optimizerSafetensors(input: Pick<PytorchExportInput, 'cfg' | 'layout' | 'optimizer' | 'label'>): Uint8Array {
  const { cfg, layout, optimizer } = input;
  const names = OPTIMIZER_STATE_NAMES[cfg.optimizer.kind];
  if (optimizer.slabs.length !== names.length) throw new Error(`The ${cfg.optimizer.kind} optimizer has ${optimizer.slabs.length} state slabs, not ${names.length}.`);
  const tensors = names.flatMap((state, i) => layout.fields.map((f) => ({ name: `${state}.${f.name}`, shape: f.shape, data: optimizer.slabs[i].subarray(f.offset, f.offset + f.size) })));
  return writeSafetensors(tensors, { format: 'timestep-optimizer', kind: cfg.optimizer.kind, step: String(optimizer.steps), name: input.label });
}

/** The zip's bytes. */
export function pytorchExportZip(input: PytorchExportInput): Uint8Array {
  const { cfg, layout, values, step, label } = input;
  const data = dataPart(input);
  const config = {
    format: EXPORT_FORMAT,
    version: 1,
    timestep_version: appVersion,
    name: label,
    dataset: input.dataset,
    step,
    model: cfg.model,
    head: { inputSize: cfg.inputSize, outputSize: cfg.outputSize, task: cfg.task, loss: cfg.loss },
    training: { optimizer: cfg.optimizer, batch: cfg.batch, window: input.windowLength, tbptt: cfg.seqLen, clip: cfg.clipNorm, seed: cfg.seed },
    data: data.config,
    expected_validation_loss: input.validationLoss,
  };
  const text = (s: string) => new TextEncoder().encode(s);
  return writeZip([
    { name: 'README.md', data: text(readme(input)) },
    { name: 'model.py', data: text(modelPy(cfg, label, encoderOutputSize(cfg.model))) },
    { name: 'train.py', data: text(trainPy) },
    { name: '_st.py', data: text(safetensorsPy) },
    { name: 'config.json', data: text(JSON.stringify(config, null, 1)) },
    { name: 'weights.safetensors', data: weightsSafetensors({ name: label, step }, cfg, layout, values) },
    { name: 'optimizer.safetensors', data: optimizerSafetensors(input) },
    { name: 'data.safetensors', data: writeSafetensors(data.tensors) },
  ]);
}
