// The float64 training loop: replays of PyTorch's train_* runs, loss gradients by central
// differences, clipping and the optimisers, and a custom encoder through the same interface.

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Random } from '../data/random';
import { relErr } from './compare';
import { parseFixture } from './fixtures';
import type { Params } from './recurrent';
import {
  crossEntropyLoss,
  FIXTURE_ADAM,
  initModel,
  lossAndGrads,
  modelParameterShapes,
  mseLoss,
  optimizerFromText,
  recurrentEncoder,
  replayTrainFixture,
  Trainer,
  type Model,
  type SequenceEncoder,
} from './train';
import { numericGrad } from './numericGrad';
import { FIXTURES, fixtureNames } from './fixtures.testing';

const dir = FIXTURES;
const files = fixtureNames(/^train_(rnn_tanh|lstm|gru)(_.*)?\.json$/);

describe('replays PyTorch training runs', () => {
  it('finds the train fixtures', () => {
    expect(files.length, `no train_rnn_tanh/lstm/gru fixtures in ${dir}`).toBeGreaterThan(0);
  });

  for (const file of files) {
    it(file, () => {
      const fx = parseFixture(readFileSync(resolve(dir, file), 'utf8'), file);
      const run = replayTrainFixture(fx);
      expect(run.losses.length).toBe(fx.losses!.length);
      run.losses.forEach((loss, k) => {
        const err = Math.abs(loss - fx.losses![k]) / Math.abs(fx.losses![k]);
        expect(err, `loss ${k}: ${loss} vs ${fx.losses![k]}`).toBeLessThanOrEqual(1e-9);
      });
      run.gradNorms.forEach((norm, k) => {
        const want = fx.grad_norms_before_clip![k];
        expect(Math.abs(norm - want) / want, `grad norm ${k}: ${norm} vs ${want}`).toBeLessThanOrEqual(1e-9);
      });
      for (const [name, t] of Object.entries(fx.final_params!)) {
        const err = relErr(run.finalParams[name], t.data);
        expect(err, `final ${name} err=${err}`).toBeLessThanOrEqual(1e-9);
      }
      // The starting parameters are not touched.
      expect(relErr(fx.params['head.weight'].data, fx.final_params!['head.weight'].data)).toBeGreaterThan(1e-6);
    });
  }
});

describe('losses and their gradients', () => {
  it('MSE: mean of squares, gradient by central differences', () => {
    const rng = new Random(2);
    const p = rng.normalArray(12);
    const y = rng.normalArray(12);
    const { loss, grad } = mseLoss(p, y);
    let want = 0;
    for (let i = 0; i < 12; i++) want += (p[i] - y[i]) ** 2 / 12;
    expect(loss).toBeCloseTo(want, 14);
    expect(relErr(grad, numericGrad(p, () => mseLoss(p, y).loss))).toBeLessThanOrEqual(1e-8);
  });

  it('cross-entropy: -log softmax of the target, gradient by central differences, stable for huge logits', () => {
    const rng = new Random(3);
    const C = 5;
    const logits = rng.normalArray(4 * C, 2);
    const targets = [0, 4, 2, 2];
    const { loss, grad } = crossEntropyLoss(logits, targets, C);
    let want = 0;
    for (let r = 0; r < 4; r++) {
      let z = 0;
      for (let c = 0; c < C; c++) z += Math.exp(logits[r * C + c]);
      want -= Math.log(Math.exp(logits[r * C + targets[r]]) / z) / 4;
    }
    expect(loss).toBeCloseTo(want, 13);
    expect(relErr(grad, numericGrad(logits, () => crossEntropyLoss(logits, targets, C).loss))).toBeLessThanOrEqual(1e-8);
    // Each row's gradient sums to zero.
    for (let r = 0; r < 4; r++) expect(Math.abs(grad.subarray(r * C, r * C + C).reduce((a, b) => a + b, 0))).toBeLessThan(1e-15);
    // Rows [1000, -1000] → class 1 and [0, 999] → class 0: losses 2000 and 999 (exp underflows harmlessly).
    const huge = crossEntropyLoss(Float64Array.from([1000, -1000, 0, 999]), [1, 0], 2);
    expect(Number.isFinite(huge.loss) && huge.grad.every(Number.isFinite)).toBe(true);
    expect(huge.loss).toBeCloseTo(1499.5, 10);
    expect(Array.from(huge.grad)).toEqual([0.5, -0.5, -0.5, 0.5]);
    expect(() => crossEntropyLoss(logits, [0, 1, 5, 0], C)).toThrow('not a class');
  });
});

/** A per-step tanh(W x + b) encoder: the interface a non-recurrent encoder (Mamba) plugs into. */
function pointwiseEncoder(inputSize: number, outputSize: number): SequenceEncoder {
  return {
    inputSize,
    outputSize,
    parameterShapes: () => [
      ['weight', [outputSize, inputSize]],
      ['bias', [outputSize]],
    ],
    init: (rng) => ({ weight: rng.uniformArray(outputSize * inputSize, -1, 1), bias: rng.uniformArray(outputSize, -1, 1) }),
    forward(params, x) {
      const rows = x.length / inputSize;
      const y = new Float64Array(rows * outputSize);
      for (let r = 0; r < rows; r++) {
        for (let o = 0; o < outputSize; o++) {
          let s = params.bias[o];
          for (let i = 0; i < inputSize; i++) s += params.weight[o * inputSize + i] * x[r * inputSize + i];
          y[r * outputSize + o] = Math.tanh(s);
        }
      }
      return {
        y,
        backward(dy) {
          const weight = new Float64Array(outputSize * inputSize);
          const bias = new Float64Array(outputSize);
          for (let r = 0; r < rows; r++) {
            for (let o = 0; o < outputSize; o++) {
              const da = dy[r * outputSize + o] * (1 - y[r * outputSize + o] ** 2);
              bias[o] += da;
              for (let i = 0; i < inputSize; i++) weight[o * inputSize + i] += da * x[r * inputSize + i];
            }
          }
          return { grads: { weight, bias } };
        },
      };
    },
  };
}

describe('whole-model gradients by central differences', () => {
  const B = 3;
  const T = 5;
  const I = 2;
  const cases: Array<[string, Model, (rng: Random) => Float64Array]> = [
    ['LSTM, every step, MSE', { encoder: recurrentEncoder({ cell: 'lstm', inputSize: I, hiddenSize: 4, numLayers: 1, bidirectional: false }), outputSize: 2, readout: 'every_step', loss: 'mse' }, (r) => r.normalArray(B * T * 2)],
    ['tanh RNN 2 layers, last step, MSE', { encoder: recurrentEncoder({ cell: 'rnn_tanh', inputSize: I, hiddenSize: 3, numLayers: 2, bidirectional: false }), outputSize: 1, readout: 'last_step', loss: 'mse' }, (r) => r.normalArray(B)],
    ['bidirectional GRU, every step, cross-entropy', { encoder: recurrentEncoder({ cell: 'gru', inputSize: I, hiddenSize: 3, numLayers: 2, bidirectional: true }), outputSize: 4, readout: 'every_step', loss: 'cross_entropy' }, (r) => Float64Array.from({ length: B * T }, () => r.int(4))],
    ['LSTM with learned h0/c0, last step, cross-entropy', { encoder: recurrentEncoder({ cell: 'lstm', inputSize: I, hiddenSize: 3, numLayers: 1, bidirectional: false, initialState: 'learned' }), outputSize: 3, readout: 'last_step', loss: 'cross_entropy' }, (r) => Float64Array.from({ length: B }, () => r.int(3))],
    ['custom per-step encoder, every step, MSE', { encoder: pointwiseEncoder(I, 3), outputSize: 1, readout: 'every_step', loss: 'mse' }, (r) => r.normalArray(B * T)],
  ];
  for (const [label, model, makeTarget] of cases) {
    it(label, () => {
      const rng = new Random(11);
      const params: Params = initModel(model, rng);
      for (const [name, p] of Object.entries(params)) if (/\.[hc]0_/.test(name)) p.set(rng.normalArray(p.length));
      const x = rng.normalArray(B * T * I);
      const target = makeTarget(rng);
      const pass = lossAndGrads(model, params, x, target, B);
      expect(Object.keys(pass.grads)).toEqual(modelParameterShapes(model).map(([n]) => n));
      for (const [name, shape] of modelParameterShapes(model)) {
        expect(params[name].length).toBe(shape.reduce((a, b) => a * b, 1));
        const err = relErr(pass.grads[name], numericGrad(params[name], () => lossAndGrads(model, params, x, target, B).loss));
        expect(err, `${name} err=${err}`).toBeLessThanOrEqual(1e-6);
      }
    });
  }
});

describe('clipping and optimisers', () => {
  const model: Model = { encoder: recurrentEncoder({ cell: 'gru', inputSize: 2, hiddenSize: 3, numLayers: 1, bidirectional: false }), outputSize: 1, readout: 'every_step', loss: 'mse' };
  const rng = new Random(5);
  const params = initModel(model, rng);
  const x = rng.normalArray(2 * 4 * 2);
  const y = rng.normalArray(2 * 4, 10); // large targets: a gradient norm well above 1

  it('clips the global norm to max/(norm + 1e-6), then steps SGD on the scaled gradient', () => {
    const pass = lossAndGrads(model, params, x, y, 2);
    const norm = Math.sqrt(Object.values(pass.grads).reduce((s, g) => s + g.reduce((a, v) => a + v * v, 0), 0));
    expect(norm).toBeGreaterThan(1);
    const trainer = new Trainer(model, params, { optimizer: { kind: 'sgd', lr: 0.1, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false }, clip: 1 });
    const r = trainer.step(x, y, 2);
    expect(r.gradNorm).toBeCloseTo(norm, 12);
    expect(r.scale).toBeCloseTo(1 / (norm + 1e-6), 14);
    for (const [name, p] of Object.entries(params)) {
      const want = p.map((v, i) => v - 0.1 * pass.grads[name][i] * r.scale);
      expect(relErr(trainer.params[name], want), name).toBeLessThanOrEqual(1e-15);
    }
    const unclipped = new Trainer(model, params, { optimizer: FIXTURE_ADAM });
    expect(unclipped.step(x, y, 2).scale).toBe(1);
  });

  it('reads the optimiser from a fixture config', () => {
    expect(optimizerFromText('Adam lr=0.01 betas=(0.9,0.999) eps=1e-8 weight_decay=0')).toEqual({ ...FIXTURE_ADAM, weightDecay: 0 });
    expect(optimizerFromText('SGD lr=0.5 momentum=0.9 nesterov=True')).toEqual({ kind: 'sgd', lr: 0.5, momentum: 0.9, dampening: 0, weightDecay: 0, nesterov: true });
  });

  it('learns a character-level next-token task with cross-entropy and Adam', () => {
    // Sequence "abcabc…" as one-hot inputs; the target at t is the character at t + 1.
    const V = 3;
    const B = 2;
    const T = 9;
    const xs = new Float64Array(B * T * V);
    const targets = new Float64Array(B * T);
    for (let b = 0; b < B; b++) {
      for (let t = 0; t < T; t++) {
        xs[(b * T + t) * V + ((t + b) % V)] = 1;
        targets[b * T + t] = (t + b + 1) % V;
      }
    }
    const charModel: Model = { encoder: recurrentEncoder({ cell: 'lstm', inputSize: V, hiddenSize: 8, numLayers: 1, bidirectional: false }), outputSize: V, readout: 'every_step', loss: 'cross_entropy' };
    const trainer = new Trainer(charModel, initModel(charModel, 1), { optimizer: { ...FIXTURE_ADAM, lr: 0.05 }, clip: 1 });
    const first = trainer.step(xs, targets, B).loss;
    let last = first;
    for (let k = 0; k < 80; k++) last = trainer.step(xs, targets, B).loss;
    expect(first).toBeGreaterThan(0.9);
    expect(last).toBeLessThan(0.1);
  });

  it('initialises the head from U(-1/√E, 1/√E), reproducibly', () => {
    const a = initModel(model, 9);
    const b = initModel(model, new Random(9));
    for (const [name] of modelParameterShapes(model)) expect(Array.from(a[name])).toEqual(Array.from(b[name]));
    const bound = 1 / Math.sqrt(3);
    for (const v of [...a['head.weight'], ...a['head.bias']]) expect(Math.abs(v)).toBeLessThanOrEqual(bound);
  });
});
