// model.py of a PyTorch export: the model of one configuration in torch.nn, under the parameter
// names of its weights file, so that `model.load_state_dict(weights)` takes them as they are. The
// classes of each family are plain Python files beside this one (./python/); this module picks the
// family's, and writes `build_model()` with the configuration's sizes spelled out.

import type { ModelConfig } from '../models';
import type { TrainerConfig } from '../train/trainer';
import mambaPy from './python/mamba.py?raw';
import recurrentPy from './python/recurrent.py?raw';

const PREAMBLE = `import torch
import torch.nn.functional as F
from torch import nn
`;

/** Why a model cannot be exported to PyTorch yet, or null when it can. */
export function pytorchExportRefusal(model: ModelConfig): string | null {
  if (model.kind === 'recurrent' || model.kind === 'mamba') return null;
  if (model.kind === 'seq2seq') return 'Export to PyTorch covers single models (tanh RNN, LSTM, GRU, Mamba) for now, not encoder-decoders.';
  return 'Export to PyTorch covers tanh RNN, LSTM, GRU and Mamba for now, not minGRU or minLSTM.';
}

const py = (v: boolean | number | string): string => (typeof v === 'boolean' ? (v ? 'True' : 'False') : typeof v === 'number' ? String(v) : JSON.stringify(v));
const call = (args: Record<string, boolean | number | string>) =>
  Object.entries(args)
    .map(([k, v]) => `        ${k}=${py(v)},`)
    .join('\n');

/** The file's text for the model `cfg` trains (`label`: the page's name for it). Throws for what pytorchExportRefusal refuses. */
export function modelPy(cfg: TrainerConfig, label: string): string {
  const m = cfg.model;
  const head = { output_size: cfg.outputSize, many_to_one: cfg.task === 'many-to-one' };
  let classes: string;
  let args: Record<string, boolean | number | string>;
  if (m.kind === 'recurrent') {
    classes = recurrentPy;
    args = { cell: m.cell, input_size: m.inputSize, hidden_size: m.hiddenSize, num_layers: m.numLayers, bidirectional: m.bidirectional, learned_initial_state: m.initialState === 'learned', ...head };
  } else if (m.kind === 'mamba') {
    classes = mambaPy;
    args = { input_size: m.inputSize, d_model: m.dModel, d_state: m.dState, d_conv: m.dConv, expand: m.expand, dt_rank: m.dtRank ?? Math.ceil(m.dModel / 16), num_layers: m.numLayers, ...head };
  } else {
    throw new Error(pytorchExportRefusal(m) ?? `no PyTorch export for ${m.kind}`);
  }
  return `"""${label} as Timestep trained it, in torch.nn: model.load_state_dict(weights) takes its weights file as it is."""
${PREAMBLE}

${classes.trim()}


def build_model():
    """The model of this run, with its sizes."""
    return Model(
${call(args)}
    )
`;
}
