// Reading the minGRU / minLSTM fixtures (mingru, minlstm, train_mingru, train_minlstm; see
// test-data/torch/README.md): the model a file describes, the shapes its tensors must have,
// the encoder the float64 training loop drives, and the replay of a train_* run.

import { configInt, FixtureError, layersInParams, sameShape, show, trainRunSizes, type Fixture, type FixtureTensor } from './fixtureFormat';
import { MIN_CELLS, initMinRnnParameters, minRnnBackward, minRnnForward, minRnnParameterShapes, type Candidate, type MinCell, type MinRnnConfig, type Params } from './minrnn';
import { replayTraining, type SequenceEncoder } from './train';

export const MIN_FIXTURE_KINDS: readonly string[] = [...MIN_CELLS, ...MIN_CELLS.map((c) => `train_${c}`)];

function candidateOf(fx: Fixture): Candidate {
  const c = fx.config.candidate ?? 'g';
  if (c !== 'g' && c !== 'identity') throw new FixtureError(`${fx.file}: config.candidate must be "g" or "identity", got ${JSON.stringify(c)}`);
  return c;
}

function modelConfig(fx: Fixture, cell: MinCell, prefix: string): MinRnnConfig {
  return {
    cell,
    inputSize: configInt(fx, 'input_size'),
    hiddenSize: configInt(fx, 'hidden_size'),
    numLayers: configInt(fx, 'num_layers', Math.max(1, layersInParams(fx.params, prefix))),
    candidate: candidateOf(fx),
  };
}

/** The model a mingru / minlstm fixture describes, and its batch and sequence length. */
export function minRnnSetup(fx: Fixture): { config: MinRnnConfig; batch: number; steps: number } {
  if (!(MIN_CELLS as readonly string[]).includes(fx.kind)) throw new FixtureError(`${fx.file}: kind ${fx.kind} is not minGRU or minLSTM`);
  return { config: modelConfig(fx, fx.kind as MinCell, ''), batch: configInt(fx, 'batch'), steps: configInt(fx, 'seq_len') };
}

/** The encoder of a train_mingru / train_minlstm fixture, its head's size, batch, steps and updates. */
export function minRnnTrainSetup(fx: Fixture): { config: MinRnnConfig; outputSize: number; batch: number; steps: number; updates: number } {
  const cell = fx.kind.slice('train_'.length);
  if (!fx.kind.startsWith('train_') || !(MIN_CELLS as readonly string[]).includes(cell)) throw new FixtureError(`${fx.file}: kind ${fx.kind} has no minGRU / minLSTM encoder`);
  return { config: modelConfig(fx, cell as MinCell, 'encoder.'), ...trainRunSizes(fx) };
}

/** Shapes of a minGRU / minLSTM fixture against the sizes in its config. */
export function validateMinRnnFixture(fx: Fixture, expectShape: (where: string, t: FixtureTensor | undefined, shape: number[], why?: string) => void): void {
  if (fx.kind.startsWith('train_')) {
    const { config, batch: B, steps: T, outputSize: O } = minRnnTrainSetup(fx);
    const why = ` from config (batch ${B}, seq_len ${T}, input_size ${config.inputSize}, hidden_size ${config.hiddenSize}, output_size ${O})`;
    expectShape('inputs.x', fx.inputs.x, [B, T, config.inputSize], why);
    const y = fx.inputs.y;
    if (!y) throw new FixtureError(`${fx.file}: missing tensor inputs.y`);
    if (!sameShape(y.shape, [B, T, O]) && !sameShape(y.shape, [B, O])) throw new FixtureError(`${fx.file}: inputs.y: shape ${show(y.shape)}, expected ${show([B, T, O])} or ${show([B, O])}${why}`);
    for (const [name, shape] of minRnnParameterShapes(config)) expectShape(`params.encoder.${name}`, fx.params[`encoder.${name}`], shape, why);
    expectShape('params.head.weight', fx.params['head.weight'], [O, config.hiddenSize], why);
    return;
  }
  const { config, batch: B, steps: T } = minRnnSetup(fx);
  const { inputSize: I, hiddenSize: H, numLayers: L } = config;
  const why = ` from config (batch ${B}, seq_len ${T}, input_size ${I}, hidden_size ${H}, num_layers ${L})`;
  expectShape('inputs.x', fx.inputs.x, [B, T, I], why);
  expectShape('outputs.y', fx.outputs.y, [B, T, H], why);
  expectShape('outputs.h_n', fx.outputs.h_n, [L, B, H], why);
  if (fx.inputs.h0) expectShape('inputs.h0', fx.inputs.h0, [L, B, H], why);
  for (const [name, shape] of minRnnParameterShapes(config)) {
    expectShape(`params.${name}`, fx.params[name], shape, why);
    expectShape(`grads.${name}`, fx.grads[name], shape, why);
  }
}

/** minGRU / minLSTM as an encoder of the float64 training loop (zero initial state unless learned). */
export function minRnnEncoder(cfg: MinRnnConfig): SequenceEncoder {
  return {
    inputSize: cfg.inputSize,
    outputSize: cfg.hiddenSize,
    parameterShapes: () => minRnnParameterShapes(cfg),
    init: (rng) => initMinRnnParameters(cfg, rng),
    forward(params, x, batch) {
      const fw = minRnnForward(cfg, params, x, { batch });
      return {
        y: fw.y,
        backward: (dy) => {
          const g = minRnnBackward(fw.cache, { dy });
          return { grads: g.grads, dx: g.dx };
        },
      };
    },
  };
}

/** Replays a train_mingru / train_minlstm run in float64: every update on its one batch. */
export function replayMinRnnTraining(fx: Fixture): { losses: number[]; gradNorms: number[]; finalParams: Params } {
  const { config, outputSize, batch, updates } = minRnnTrainSetup(fx);
  return replayTraining(fx, minRnnEncoder(config), outputSize, batch, updates);
}
