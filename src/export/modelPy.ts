// model.py of a PyTorch export: the model of one configuration in torch.nn, under the parameter
// names of its weights file, so that `model.load_state_dict(weights)` takes them as they are. The
// modules are plain Python files beside this one (./python/): the head and the loop every model
// shares (head.py), then the model's own (nn.RNN/LSTM/GRU with learned initial states, minGRU and
// minLSTM, Mamba, the encoder-decoder); `build_model()` spells the configuration's sizes out.

import type { ModelConfig } from '../models';
import { isMinCell } from '../models/families/seq2seq';
import type { TrainerConfig } from '../train/trainer';
import headPy from './python/head.py?raw';
import mambaPy from './python/mamba.py?raw';
import minRnnPy from './python/minrnn.py?raw';
import recurrentPy from './python/recurrent.py?raw';
import seq2seqPy from './python/seq2seq.py?raw';

const PREAMBLE = `import torch
import torch.nn.functional as F
from torch import nn`;

type PyValue = boolean | number | string;
const py = (v: PyValue): string => (typeof v === 'boolean' ? (v ? 'True' : 'False') : typeof v === 'number' ? String(v) : JSON.stringify(v));
/** A Python call: positional arguments, then keyword ones. */
const call = (fn: string, args: PyValue[], kwargs: Record<string, PyValue> = {}) => `${fn}(${[...args.map(py), ...Object.entries(kwargs).map(([k, v]) => `${k}=${py(v)}`)].join(', ')})`;

/** The encoder's constructor call and the Python modules it needs. */
function encoderOf(m: ModelConfig): { code: string; modules: string[] } {
  switch (m.kind) {
    case 'recurrent':
      return { code: call('torch_rnn', [m.cell, m.inputSize, m.hiddenSize, m.numLayers], { bidirectional: m.bidirectional, learned_initial_state: m.initialState === 'learned' }), modules: [recurrentPy] };
    case 'minrnn':
      return { code: call('MinRNN', [m.cell, m.inputSize, m.hiddenSize, m.numLayers], { candidate: m.candidate, learned_initial_state: m.initialState === 'learned' }), modules: [minRnnPy] };
    case 'mamba':
      return { code: call('MambaEncoder', [m.inputSize, m.dModel, m.numLayers], { d_state: m.dState, d_conv: m.dConv, expand: m.expand, dt_rank: m.dtRank ?? Math.ceil(m.dModel / 16) }), modules: [mambaPy] };
    case 'seq2seq': {
      const min = isMinCell(m.cell);
      const stack = (learned: boolean) =>
        min ? call('MinRNN', [m.cell, m.inputSize, m.hiddenSize, m.numLayers], { candidate: 'g', learned_initial_state: learned }) : call('torch_rnn', [m.cell, m.inputSize, m.hiddenSize, m.numLayers], { learned_initial_state: learned });
      return { code: `Seq2Seq(${stack(m.initialState === 'learned')}, ${stack(false)}, source_length=${m.sourceLength})`, modules: [min ? minRnnPy : recurrentPy, seq2seqPy] };
    }
  }
}

/** The file's text for the model `cfg` trains (`label`: the page's name for it), with `features` its encoder's output width. */
export function modelPy(cfg: TrainerConfig, label: string, features: number): string {
  const encoder = encoderOf(cfg.model);
  return `"""${label} as Timestep trained it, in torch.nn: model.load_state_dict(weights) takes its weights file as it is."""
${PREAMBLE}


${[headPy, ...encoder.modules].map((s) => s.trim()).join('\n\n\n')}


def build_model():
    """The model of this run, with its sizes."""
    encoder = ${encoder.code}
    return ${call('Model', [], { features, output_size: cfg.outputSize, many_to_one: cfg.task === 'many-to-one' }).replace('Model(', 'Model(encoder, ')}
`;
}
