// Float64 reference training loop, matching the train_* fixtures: an encoder over the sequence,
// a Linear head on every step (or only the last, many-to-one), MSE (mean) or softmax
// cross-entropy (mean, class indices as targets), global-norm gradient clipping, then Adam or SGD.
//
// Shapes: x [B, T, I]; encoder output e [B, T, E]; head.weight [O, E], head.bias [O];
// prediction [B, T, O] (every step) or [B, O] (last step). Targets: MSE the prediction's shape;
// cross-entropy the class index per prediction row, [B, T] or [B]. Parameter names are
// `encoder.<encoder's own names>` then `head.weight`, `head.bias` (the fixtures' state_dict).

import { Random } from '../data/random';
import { dataOf, FixtureError, trainSetup, type Fixture } from './fixtures';
import { adamInit, adamStep, clipFactor, sgdStep, type AdamState, type SgdState } from './kernels';
import { initRecurrentParameters as initParameters, recurrentParameterShapes as parameterShapes } from '../models/recurrentParams';
import { recurrentBackward, recurrentForward, type Params, type RecurrentConfig } from './recurrent';

/** One forward pass of an encoder, holding what its backward needs. */
export interface EncoderPass {
  /** [B, T, outputSize] */
  y: Float64Array;
  /** Gradients of every encoder parameter (own names) given ∂L/∂y; ∂L/∂x and per-step norms when known. */
  backward(dy: Float64Array): { grads: Params; dx?: Float64Array; dhNorm?: Float64Array[][] };
}

/** What the loop needs from an encoder: the recurrent models here, the Mamba reference later. */
export interface SequenceEncoder {
  readonly inputSize: number;
  /** Features per step of the output. */
  readonly outputSize: number;
  /** [name, shape] in state_dict order, names without the `encoder.` prefix. */
  parameterShapes(): Array<[string, number[]]>;
  init(rng: Random): Params;
  forward(params: Params, x: Float64Array, batch: number): EncoderPass;
}

/** nn.RNN / nn.LSTM / nn.GRU (batch_first, zero initial state unless learned) as an encoder; `truncate` = TBPTT chunk length. */
export function recurrentEncoder(config: RecurrentConfig, opts: { truncate?: number } = {}): SequenceEncoder {
  return {
    inputSize: config.inputSize,
    outputSize: (config.bidirectional ? 2 : 1) * config.hiddenSize,
    parameterShapes: () => parameterShapes(config),
    init: (rng) => initParameters(config, rng),
    forward(params, x, batch) {
      const fw = recurrentForward(config, params, x, { batch });
      return {
        y: fw.y,
        backward(dy) {
          const g = recurrentBackward(fw.cache, { dy }, opts);
          return { grads: g.grads, dx: g.dx, dhNorm: g.dhNorm };
        },
      };
    },
  };
}

export interface Model {
  encoder: SequenceEncoder;
  /** Head outputs: regression targets, or classes for cross-entropy. */
  outputSize: number;
  readout: 'every_step' | 'last_step';
  loss: 'mse' | 'cross_entropy';
}

export function modelParameterShapes(model: Model): Array<[string, number[]]> {
  return [
    ...model.encoder.parameterShapes().map(([n, s]): [string, number[]] => [`encoder.${n}`, s]),
    ['head.weight', [model.outputSize, model.encoder.outputSize]],
    ['head.bias', [model.outputSize]],
  ];
}

/** The encoder's own initialisation, then nn.Linear's: weight and bias ~ U(-1/√E, 1/√E). */
export function initModel(model: Model, rng: Random | number): Params {
  const random = typeof rng === 'number' ? new Random(rng) : rng;
  const out: Params = {};
  for (const [n, p] of Object.entries(model.encoder.init(random))) out[`encoder.${n}`] = p;
  const k = 1 / Math.sqrt(model.encoder.outputSize);
  out['head.weight'] = random.uniformArray(model.outputSize * model.encoder.outputSize, -k, k);
  out['head.bias'] = random.uniformArray(model.outputSize, -k, k);
  return out;
}

/** nn.MSELoss(): mean of (p - y)² over every element; grad = 2(p - y)/N. */
export function mseLoss(prediction: Float64Array, target: ArrayLike<number>): { loss: number; grad: Float64Array } {
  if (target.length !== prediction.length) throw new Error(`mse: ${target.length} targets for ${prediction.length} predictions`);
  const N = prediction.length;
  const grad = new Float64Array(N);
  let loss = 0;
  for (let i = 0; i < N; i++) {
    const d = prediction[i] - target[i];
    loss += d * d;
    grad[i] = (2 * d) / N;
  }
  return { loss: loss / N, grad };
}

/** nn.CrossEntropyLoss(): logits [N, C], one class index per row; mean of -log softmax; grad = (softmax - onehot)/N. */
export function crossEntropyLoss(logits: Float64Array, targets: ArrayLike<number>, classes: number): { loss: number; grad: Float64Array } {
  const N = logits.length / classes;
  if (targets.length !== N) throw new Error(`cross-entropy: ${targets.length} targets for ${N} rows of ${classes} logits`);
  const grad = new Float64Array(logits.length);
  let loss = 0;
  for (let r = 0; r < N; r++) {
    const target = targets[r];
    if (!Number.isInteger(target) || target < 0 || target >= classes) throw new Error(`cross-entropy: target ${target} is not a class in 0..${classes - 1}`);
    let max = -Infinity;
    for (let c = 0; c < classes; c++) max = Math.max(max, logits[r * classes + c]);
    let z = 0;
    for (let c = 0; c < classes; c++) z += Math.exp(logits[r * classes + c] - max);
    loss += max + Math.log(z) - logits[r * classes + target];
    for (let c = 0; c < classes; c++) grad[r * classes + c] = (Math.exp(logits[r * classes + c] - max) / z - (c === target ? 1 : 0)) / N;
  }
  return { loss: loss / N, grad };
}

export interface LossPass {
  loss: number;
  /** [B, T, O] or [B, O]: the head's output (logits for cross-entropy). */
  prediction: Float64Array;
  /** ∂loss/∂p for every model parameter, in modelParameterShapes order. */
  grads: Params;
  /** From the encoder when it reports them (recurrent: ‖∂L/∂h_t‖ per layer and direction). */
  dhNorm?: Float64Array[][];
  dx?: Float64Array;
}

/** Forward, loss and backward of the whole model on one batch. */
export function lossAndGrads(model: Model, params: Params, x: Float64Array, target: ArrayLike<number>, batch: number): LossPass {
  const { encoder, outputSize: O } = model;
  const E = encoder.outputSize;
  const B = batch;
  const T = x.length / (B * encoder.inputSize);
  const encoderParams: Params = {};
  for (const [n] of encoder.parameterShapes()) encoderParams[n] = params[`encoder.${n}`];
  const pass = encoder.forward(encoderParams, x, B);
  const W = params['head.weight'];
  const bias = params['head.bias'];
  // Which encoder rows the head reads: all (b, t), or (b, T-1) only.
  const rows = model.readout === 'every_step' ? B * T : B;
  const rowOf = (r: number) => (model.readout === 'every_step' ? r : r * T + T - 1);
  const prediction = new Float64Array(rows * O);
  for (let r = 0; r < rows; r++) {
    const e = rowOf(r) * E;
    for (let o = 0; o < O; o++) {
      let s = bias[o];
      for (let k = 0; k < E; k++) s += W[o * E + k] * pass.y[e + k];
      prediction[r * O + o] = s;
    }
  }
  const { loss, grad: dPred } = model.loss === 'mse' ? mseLoss(prediction, target) : crossEntropyLoss(prediction, target, O);
  const dW = new Float64Array(O * E);
  const dBias = new Float64Array(O);
  const dy = new Float64Array(B * T * E);
  for (let r = 0; r < rows; r++) {
    const e = rowOf(r) * E;
    for (let o = 0; o < O; o++) {
      const g = dPred[r * O + o];
      dBias[o] += g;
      for (let k = 0; k < E; k++) {
        dW[o * E + k] += g * pass.y[e + k];
        dy[e + k] += W[o * E + k] * g;
      }
    }
  }
  const back = pass.backward(dy);
  const grads: Params = {};
  for (const [n] of encoder.parameterShapes()) grads[`encoder.${n}`] = back.grads[n];
  grads['head.weight'] = dW;
  grads['head.bias'] = dBias;
  return { loss, prediction, grads, dhNorm: back.dhNorm, dx: back.dx };
}

export type OptimizerConfig =
  | { kind: 'adam'; lr: number; beta1: number; beta2: number; eps: number; weightDecay?: number }
  | { kind: 'sgd'; lr: number; momentum: number; dampening: number; weightDecay: number; nesterov: boolean };

/** The train_* fixtures' optimiser: Adam lr 0.01, betas 0.9/0.999, eps 1e-8. */
export const FIXTURE_ADAM: OptimizerConfig = { kind: 'adam', lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8 };

export interface StepResult {
  /** Loss before the update. */
  loss: number;
  /** Global L2 norm of all gradients before clipping. */
  gradNorm: number;
  /** Factor the gradients were multiplied by (1 unless clipped). */
  scale: number;
}

/** Owns a copy of the parameters and the optimiser state; step() = loss, backward, clip, update. */
export class Trainer {
  readonly params: Params;
  private readonly names: string[];
  private readonly adam: Record<string, AdamState> = {};
  private readonly sgd: Record<string, SgdState> = {};

  constructor(
    readonly model: Model,
    initial: Params,
    readonly opts: { optimizer: OptimizerConfig; clip?: number },
  ) {
    this.names = modelParameterShapes(model).map(([n]) => n);
    this.params = {};
    for (const n of this.names) {
      if (!initial[n]) throw new Error(`missing parameter ${n}`);
      this.params[n] = Float64Array.from(initial[n]);
      this.adam[n] = adamInit(initial[n].length);
      this.sgd[n] = { buf: new Float64Array(initial[n].length), step: 0 };
    }
  }

  step(x: Float64Array, target: ArrayLike<number>, batch: number): StepResult & { pass: LossPass } {
    const pass = lossAndGrads(this.model, this.params, x, target, batch);
    const grads = this.names.map((n) => pass.grads[n]);
    const { scale, norm } = clipFactor(grads, this.opts.clip ?? 0);
    const opt = this.opts.optimizer;
    this.names.forEach((n, i) => {
      if (opt.kind === 'adam') adamStep(this.params[n], grads[i], this.adam[n], opt, scale);
      else sgdStep(this.params[n], grads[i], this.sgd[n], opt, scale);
    });
    return { loss: pass.loss, gradNorm: norm, scale, pass };
  }
}

/** The optimiser spelled in a fixture's config.optimizer ("Adam lr=0.01 betas=(0.9,0.999) eps=1e-8 weight_decay=0"). */
export function optimizerFromText(text: unknown): OptimizerConfig {
  const s = typeof text === 'string' ? text : '';
  const num = (re: RegExp, fallback: number) => {
    const m = re.exec(s);
    return m ? Number(m[1]) : fallback;
  };
  const n = String.raw`([-+0-9.eE]+)`;
  if (/^\s*sgd/i.test(s)) {
    return {
      kind: 'sgd',
      lr: num(new RegExp(`lr=${n}`), 0.01),
      momentum: num(new RegExp(`momentum=${n}`), 0),
      dampening: num(new RegExp(`dampening=${n}`), 0),
      weightDecay: num(new RegExp(`weight_decay=${n}`), 0),
      nesterov: /nesterov=true/i.test(s),
    };
  }
  const betas = new RegExp(String.raw`betas=\(\s*${n}\s*,\s*${n}\s*\)`).exec(s);
  return {
    kind: 'adam',
    lr: num(new RegExp(`lr=${n}`), 0.01),
    beta1: betas ? Number(betas[1]) : 0.9,
    beta2: betas ? Number(betas[2]) : 0.999,
    eps: num(new RegExp(`eps=${n}`), 1e-8),
    weightDecay: num(new RegExp(`weight_decay=${n}`), 0),
  };
}

/** Replays a train_rnn_tanh / train_lstm / train_gru fixture: every update on its one batch. */
export function replayTrainFixture(fx: Fixture): { losses: number[]; gradNorms: number[]; finalParams: Params } {
  const { config, outputSize, batch, updates } = trainSetup(fx);
  return replayTraining(fx, recurrentEncoder(config), outputSize, batch, updates);
}

/**
 * Replays any train_* fixture in float64 with the given encoder: a Linear head on every step (or
 * the last), MSE, the global gradient norm clipped as `config.clip` says, the optimizer of
 * `config.optimizer`, `updates` updates on the fixture's one batch.
 */
export function replayTraining(fx: Fixture, encoder: SequenceEncoder, outputSize: number, batch: number, updates: number): { losses: number[]; gradNorms: number[]; finalParams: Params } {
  const x = fx.inputs.x;
  const y = fx.inputs.y;
  if (!x || !y) throw new FixtureError(`${fx.file}: a train fixture needs inputs.x and inputs.y`);
  const clipText = typeof fx.config.clip === 'string' ? /clipped to ([0-9.eE+-]+)/.exec(fx.config.clip) : null;
  const readout = y.shape.length === 2 ? 'last_step' : 'every_step';
  const model: Model = { encoder, outputSize, readout, loss: 'mse' };
  const trainer = new Trainer(model, dataOf(fx.params), { optimizer: optimizerFromText(fx.config.optimizer), clip: clipText ? Number(clipText[1]) : 1.0 });
  const losses: number[] = [];
  const gradNorms: number[] = [];
  for (let k = 0; k < updates; k++) {
    const r = trainer.step(x.data, y.data, batch);
    losses.push(r.loss);
    gradNorms.push(r.gradNorm);
  }
  return { losses, gradNorms, finalParams: trainer.params };
}
