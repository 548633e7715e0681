// Reading the recurrent fixtures (rnn_tanh, lstm, gru and train_<cell>): the model a file
// describes, and the shapes its tensors must have. Float64 code reads them for the maths, the GPU
// checker for the kernels (src/models/families/recurrentCheck.ts).

import { CELL_KINDS, recurrentParameterShapes as parameterShapes, type CellKind, type RecurrentShapeConfig as RecurrentConfig } from '../models/recurrentParams';
import { configInt, FixtureError, layersInParams, show, sameShape, trainRunSizes, type Fixture, type FixtureTensor } from './fixtureFormat';

const RECURRENT_KINDS: readonly string[] = CELL_KINDS;

/** Shapes of a recurrent or train_<cell> fixture against the sizes in its config. */
export function validateRecurrentFixture(fx: Fixture, expectShape: (where: string, t: FixtureTensor | undefined, shape: number[], why?: string) => void): void {
  const fail = (msg: string): never => {
    throw new FixtureError(`${fx.file}: ${msg}`);
  };
  if (RECURRENT_KINDS.includes(fx.kind)) {
    const { config, batch: B, steps: T } = recurrentSetup(fx);
    const { inputSize: I, hiddenSize: H, numLayers: L } = config;
    const D = config.bidirectional ? 2 : 1;
    const why = ` from config (batch ${B}, seq_len ${T}, input_size ${I}, hidden_size ${H}, num_layers ${L}${D === 2 ? ', bidirectional' : ''})`;
    const state = [L * D, B, H];
    expectShape('inputs.x', fx.inputs.x, [B, T, I], why);
    expectShape('outputs.y', fx.outputs.y, [B, T, D * H], why);
    expectShape('outputs.h_n', fx.outputs.h_n, state, why);
    if (config.cell === 'lstm') expectShape('outputs.c_n', fx.outputs.c_n, state, why);
    if (fx.inputs.h0) expectShape('inputs.h0', fx.inputs.h0, state, why);
    if (fx.inputs.c0) expectShape('inputs.c0', fx.inputs.c0, state, why);
    if (fx.inputs.h0) expectShape('grads.h0', fx.grads.h0, state, why);
    if (fx.inputs.c0) expectShape('grads.c0', fx.grads.c0, state, why);
    for (const [name, shape] of parameterShapes(config)) {
      expectShape(`params.${name}`, fx.params[name], shape, why);
      expectShape(`grads.${name}`, fx.grads[name], shape, why);
    }
    expectShape('grads.x', fx.grads.x, [B, T, I], why);
    if (fx.grad_x_norm_per_step && fx.grad_x_norm_per_step.length !== T) fail(`grad_x_norm_per_step: ${fx.grad_x_norm_per_step.length} values, seq_len is ${T}`);
  } else if (fx.kind.startsWith('train_') && RECURRENT_KINDS.includes(fx.kind.slice(6))) {
    const { config, batch: B, steps: T, outputSize: O } = trainSetup(fx);
    const why = ` from config (batch ${B}, seq_len ${T}, input_size ${config.inputSize}, hidden_size ${config.hiddenSize}, output_size ${O})`;
    expectShape('inputs.x', fx.inputs.x, [B, T, config.inputSize], why);
    const y = fx.inputs.y;
    if (!y) fail('missing tensor inputs.y');
    else if (!sameShape(y.shape, [B, T, O]) && !sameShape(y.shape, [B, O])) fail(`inputs.y: shape ${show(y.shape)}, expected ${show([B, T, O])} (every step) or ${show([B, O])} (last step)${why}`);
    for (const [name, shape] of trainParameterShapes(config, O)) expectShape(`params.${name}`, fx.params[name], shape, why);
  }
}

function modelConfig(fx: Fixture, cell: CellKind, prefix: string): RecurrentConfig {
  const bidirectional = fx.config.bidirectional === true || `${prefix}weight_ih_l0_reverse` in fx.params;
  return {
    cell,
    inputSize: configInt(fx, 'input_size'),
    hiddenSize: configInt(fx, 'hidden_size'),
    numLayers: configInt(fx, 'num_layers', Math.max(1, layersInParams(fx.params, prefix))),
    bidirectional,
  };
}

/** The model a rnn_tanh / lstm / gru fixture describes, and its batch and sequence length. */
export function recurrentSetup(fx: Fixture): { config: RecurrentConfig; batch: number; steps: number } {
  if (!RECURRENT_KINDS.includes(fx.kind)) throw new FixtureError(`${fx.file}: kind ${fx.kind} is not a recurrent model`);
  return { config: modelConfig(fx, fx.kind as CellKind, ''), batch: configInt(fx, 'batch'), steps: configInt(fx, 'seq_len') };
}

/** The encoder of a train_rnn_tanh / train_lstm / train_gru fixture, its head's size, batch and steps. */
export function trainSetup(fx: Fixture): { config: RecurrentConfig; outputSize: number; batch: number; steps: number; updates: number } {
  const cell = fx.kind.slice('train_'.length);
  if (!fx.kind.startsWith('train_') || !RECURRENT_KINDS.includes(cell)) throw new FixtureError(`${fx.file}: kind ${fx.kind} has no recurrent encoder`);
  return { config: modelConfig(fx, cell as CellKind, 'encoder.'), ...trainRunSizes(fx) };
}

/** encoder.* (PyTorch names) then head.weight [O, D·H] and head.bias [O]. */
export function trainParameterShapes(config: RecurrentConfig, outputSize: number): Array<[string, number[]]> {
  const D = config.bidirectional ? 2 : 1;
  return [
    ...parameterShapes(config).map(([n, s]): [string, number[]] => [`encoder.${n}`, s]),
    ['head.weight', [outputSize, D * config.hiddenSize]],
    ['head.bias', [outputSize]],
  ];
}
