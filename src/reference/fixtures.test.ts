// The fixture loader: every stored file parses; files of any size in the same format parse;
// malformed ones fail with messages that name the file and the tensor.

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Random } from '../data/random';
import { relErr } from './compare';
import { FixtureError, parseFixture, recurrentSetup, trainParameterShapes, trainSetup, validateFixture } from './fixtures';
import { initRecurrentParameters as initParameters, recurrentParameterShapes as parameterShapes } from '../models/recurrentParams';
import { recurrentBackward, recurrentForward, type CellKind, type RecurrentConfig } from './recurrent';
import { FIXTURES, MINRNN, fixtureNames } from './fixtures.testing';

const dir = FIXTURES;
// Every family's files, minGRU / minLSTM among them, parse the same way.
const files = fixtureNames().filter((f) => !MINRNN.test(f));
const stored: Array<[string, string]> = fixtureNames().map((f): [string, string] => [dir, f]);

type Json = Record<string, unknown>;
const tensor = (shape: number[], data: ArrayLike<number>) => ({ shape, data: Array.from(data) });

/** A fixture in the PyTorch format, computed by the reference: any cell, size, layers, directions. */
function makeFixture(name: string, config: RecurrentConfig, B: number, T: number, seed: number): Json {
  const rng = new Random(seed);
  const { cell, inputSize: I, hiddenSize: H, numLayers: L } = config;
  const D = config.bidirectional ? 2 : 1;
  const state = [L * D, B, H];
  const params = initParameters(config, rng);
  const x = rng.normalArray(B * T * I);
  const h0 = rng.normalArray(L * D * B * H);
  const c0 = rng.normalArray(L * D * B * H);
  const cot = { y: rng.normalArray(B * T * D * H), h_n: rng.normalArray(L * D * B * H), c_n: rng.normalArray(L * D * B * H) };
  const lstm = cell === 'lstm';
  const fw = recurrentForward(config, params, x, { batch: B, h0, c0: lstm ? c0 : undefined });
  const g = recurrentBackward(fw.cache, { dy: cot.y, dhN: cot.h_n, dcN: lstm ? cot.c_n : undefined });
  const named = (entries: Array<[string, number[], ArrayLike<number>]>) => Object.fromEntries(entries.map(([n, s, d]) => [n, tensor(s, d)]));
  const shapes = parameterShapes(config);
  return {
    kind: cell,
    config: { batch: B, seq_len: T, input_size: I, hidden_size: H, num_layers: L, bidirectional: config.bidirectional, batch_first: true },
    loss: 'sum(y*cot.y) + sum(h_n*cot.h_n)',
    inputs: named([['x', [B, T, I], x], ['h0', state, h0], ...(lstm ? [['c0', state, c0] as [string, number[], Float64Array]] : [])]),
    params: named(shapes.map(([n, s]) => [n, s, params[n]])),
    cotangents: named([['y', [B, T, D * H], cot.y], ['h_n', state, cot.h_n], ...(lstm ? [['c_n', state, cot.c_n] as [string, number[], Float64Array]] : [])]),
    outputs: named([['y', [B, T, D * H], fw.y], ['h_n', state, fw.hN], ...(lstm ? [['c_n', state, fw.cN] as [string, number[], Float64Array]] : [])]),
    grads: named([['x', [B, T, I], g.dx], ['h0', state, g.dh0], ...(lstm ? [['c0', state, g.dc0] as [string, number[], Float64Array]] : []), ...shapes.map(([n, s]): [string, number[], Float64Array] => [n, s, g.grads[n]])]),
    grad_x_norm_per_step: Array.from(g.dxNorm),
    name,
    generator: 'reference',
  };
}

/** A train_<cell> fixture's layout (values are not a real run; the parser only checks the format). */
function makeTrainFixture(cell: CellKind, steps: number): Json {
  const config: RecurrentConfig = { cell, inputSize: 2, hiddenSize: 3, numLayers: 1, bidirectional: false };
  const rng = new Random(1);
  const params = Object.fromEntries(trainParameterShapes(config, 1).map(([n, s]) => [n, tensor(s, rng.normalArray(s.reduce((a, b) => a * b, 1)))]));
  return {
    kind: `train_${cell}`,
    config: { batch: 2, seq_len: 4, input_size: 2, hidden_size: 3, output_size: 1, steps },
    inputs: { x: tensor([2, 4, 2], rng.normalArray(16)), y: tensor([2, 4, 1], rng.normalArray(8)) },
    params,
    losses: Array.from(rng.normalArray(steps)),
    grad_norms_before_clip: Array.from(rng.normalArray(steps)),
    final_params: params,
    name: `train_${cell}`,
  };
}

const lstmSmall = () => makeFixture('lstm_small', { cell: 'lstm', inputSize: 4, hiddenSize: 5, numLayers: 1, bidirectional: false }, 3, 7, 1);
const params = (j: Json) => j.params as Record<string, { shape: number[]; data: unknown[] }>;
const parse = (j: Json, file = 'lstm_small.json') => parseFixture(JSON.stringify(j), file);

describe('the stored fixtures parse', () => {
  it('finds them', () => {
    expect(files.length, `no fixtures in ${dir}`).toBeGreaterThan(0);
  });
  it('finds the minGRU and minLSTM fixtures', () => {
    expect(stored.length, `no minGRU / minLSTM fixtures in ${dir}`).toBeGreaterThan(files.length);
  });
  for (const [folder, file] of stored) {
    it(file, () => {
      const fx = parseFixture(readFileSync(resolve(folder, file), 'utf8'), file);
      expect(fx.file).toBe(file);
      expect(`${fx.name}.json`).toBe(file);
      expect(fx.kind).toMatch(/^(rnn_tanh|lstm|gru|mingru|minlstm|selective_scan|mamba_block|train_\w+)$/);
      if (fx.kind.startsWith('train_')) {
        expect(fx.losses!.length).toBe(fx.config.steps);
        expect(fx.grad_norms_before_clip!.length).toBe(fx.config.steps);
        expect(Object.keys(fx.final_params!)).toEqual(Object.keys(fx.params));
      } else {
        expect(Object.keys(fx.outputs).length).toBeGreaterThan(0);
        expect(Object.keys(fx.grads).length).toBeGreaterThan(0);
      }
      if (['rnn_tanh', 'lstm', 'gru'].includes(fx.kind)) {
        const { config, batch, steps } = recurrentSetup(fx);
        expect(fx.inputs.x.shape).toEqual([batch, steps, config.inputSize]);
      }
      for (const group of [fx.inputs, fx.params, fx.outputs, fx.grads]) {
        for (const t of Object.values(group)) expect(t.data).toBeInstanceOf(Float64Array);
      }
    });
  }
});

describe('files of any size parse', () => {
  const cases: Array<[string, RecurrentConfig, number, number]> = [
    ['gru_3layer_bidir', { cell: 'gru', inputSize: 6, hiddenSize: 9, numLayers: 3, bidirectional: true }, 2, 11],
    ['lstm_4layer', { cell: 'lstm', inputSize: 1, hiddenSize: 2, numLayers: 4, bidirectional: false }, 5, 3],
    ['rnn_tanh_wide', { cell: 'rnn_tanh', inputSize: 13, hiddenSize: 17, numLayers: 1, bidirectional: false }, 1, 2],
  ];
  for (const [name, config, B, T] of cases) {
    it(name, () => {
      const fx = parse(makeFixture(name, config, B, T, 7), `${name}.json`);
      expect(recurrentSetup(fx)).toEqual({ config, batch: B, steps: T });
      expect(fx.extra).toEqual({ generator: 'reference' });
      expect(fx.grad_x_norm_per_step!.length).toBe(T);
    });
  }

  it('infers the layers and directions from the parameter names when the config does not say', () => {
    const j = makeFixture('gru_x', { cell: 'gru', inputSize: 2, hiddenSize: 3, numLayers: 2, bidirectional: true }, 2, 3, 2);
    const config = j.config as Json;
    delete config.num_layers;
    delete config.bidirectional;
    expect(recurrentSetup(parse(j, 'gru_x.json')).config).toMatchObject({ numLayers: 2, bidirectional: true });
  });

  it('train files of every recurrent cell, and kinds it only parses', () => {
    for (const cell of ['rnn_tanh', 'lstm', 'gru'] as const) {
      const fx = parse(makeTrainFixture(cell, 3), `train_${cell}.json`);
      expect(trainSetup(fx)).toMatchObject({ outputSize: 1, batch: 2, steps: 4, updates: 3 });
    }
    const scan = {
      name: 'selective_scan_tiny',
      kind: 'selective_scan',
      config: { batch: 1, d_inner: 1, d_state: 1, seq_len: 2 },
      inputs: { u: tensor([1, 1, 2], [1, 2]) },
      cotangents: { y: tensor([1, 1, 2], [1, 1]) },
      outputs: { y: tensor([1, 1, 2], [0.5, 0.25]) },
      grads: { u: tensor([1, 1, 2], [3, 4]) },
    };
    const fx = parse(scan, 'selective_scan_tiny.json');
    expect(fx.params).toEqual({});
    expect(Array.from(fx.grads.u.data)).toEqual([3, 4]);
  });

  it('keeps the values exactly', () => {
    const j = lstmSmall();
    const fx = parse(j);
    expect(relErr(fx.params.weight_hh_l0.data, params(j).weight_hh_l0.data as number[])).toBe(0);
  });
});

describe('malformed files fail with a message naming the file and the tensor', () => {
  const fails = (j: Json | string, message: string) => {
    const text = typeof j === 'string' ? j : JSON.stringify(j);
    expect(() => parseFixture(text, 'lstm_small.json')).toThrow(new FixtureError(message));
    try {
      parseFixture(text, 'lstm_small.json');
    } catch (e) {
      expect(e).toBeInstanceOf(FixtureError);
      expect((e as Error).message).toBe(message);
    }
  };

  it('wrong number of values', () => {
    const j = lstmSmall();
    params(j).weight_ih_l0.data.pop();
    fails(j, 'lstm_small.json: params.weight_ih_l0: 79 values for shape [20,4] (80)');
  });

  it('missing key', () => {
    for (const key of ['grads', 'params', 'config', 'name']) {
      const j = lstmSmall();
      delete j[key];
      fails(j, `lstm_small.json: missing key "${key}"`);
    }
    const t = makeTrainFixture('gru', 2);
    delete t.final_params;
    expect(() => parse(t, 'train_gru.json')).toThrow('train_gru.json: missing key "final_params"');
  });

  it('non-numeric values', () => {
    const j = lstmSmall();
    params(j).bias_hh_l0.data[3] = 'abc';
    fails(j, 'lstm_small.json: params.bias_hh_l0: data[3] is "abc", not a finite number');
    params(j).bias_hh_l0.data[3] = null;
    fails(j, 'lstm_small.json: params.bias_hh_l0: data[3] is null, not a finite number');
    const t = makeTrainFixture('lstm', 3);
    (t.losses as unknown[])[2] = 'x';
    expect(() => parse(t, 'train_lstm.json')).toThrow(new FixtureError('train_lstm.json: losses[2] is "x", not a finite number'));
  });

  it('bad JSON', () => {
    const text = JSON.stringify(lstmSmall()).slice(0, -1);
    let engine = '';
    try {
      JSON.parse(text);
    } catch (e) {
      engine = (e as Error).message;
    }
    fails(text, `lstm_small.json: invalid JSON (${engine})`);
    fails('[1, 2]', 'lstm_small.json: expected a JSON object');
  });

  it('a missing tensor', () => {
    const j = lstmSmall();
    delete params(j).weight_hh_l0;
    fails(j, 'lstm_small.json: missing tensor params.weight_hh_l0');
    const k = lstmSmall();
    delete (k.outputs as Json).c_n;
    fails(k, 'lstm_small.json: missing tensor outputs.c_n');
  });

  it('shapes that disagree with the config or with each other', () => {
    const j = lstmSmall();
    (j.config as Json).input_size = 3;
    fails(j, 'lstm_small.json: inputs.x: shape [3,7,4], expected [3,7,3] from config (batch 3, seq_len 7, input_size 3, hidden_size 5, num_layers 1)');
    const k = lstmSmall();
    const g = (k.grads as Record<string, { shape: number[] }>).x;
    g.shape = [3, 4, 7];
    fails(k, 'lstm_small.json: grads.x: shape [3,4,7], expected [3,7,4] from config (batch 3, seq_len 7, input_size 4, hidden_size 5, num_layers 1)');
    const m = lstmSmall();
    (m.grads as Json).bogus = tensor([1], [0]);
    fails(m, 'lstm_small.json: grads.bogus has no input or parameter of that name');
    const t = makeTrainFixture('rnn_tanh', 3);
    (t.losses as number[]).pop();
    expect(() => parse(t, 'train_rnn_tanh.json')).toThrow(new FixtureError('train_rnn_tanh.json: losses: 2 values, config.steps is 3'));
  });

  it('bad shapes, tensors, config values and kinds', () => {
    const j = lstmSmall();
    params(j).weight_ih_l0.shape = [20, -4];
    fails(j, 'lstm_small.json: params.weight_ih_l0: shape must be a list of non-negative integers, got [20,-4]');
    const k = lstmSmall();
    (k.params as Json).bias_ih_l0 = [1, 2, 3];
    fails(k, 'lstm_small.json: params.bias_ih_l0: expected {"shape": [...], "data": [...]}');
    const m = lstmSmall();
    (m.config as Json).hidden_size = '5';
    fails(m, 'lstm_small.json: config.hidden_size must be a positive integer, got "5"');
    const n = lstmSmall();
    n.kind = 'transformer';
    fails(n, 'lstm_small.json: unknown kind "transformer"');
    const o = lstmSmall();
    (o.inputs as Json).x = { shape: [3, 7, 4], data: 'oops' };
    fails(o, 'lstm_small.json: inputs.x: data must be a list of numbers');
  });

  it('validateFixture takes an already parsed object', () => {
    expect(validateFixture(lstmSmall(), 'a.json').name).toBe('lstm_small');
    expect(() => validateFixture(null, 'a.json')).toThrow(new FixtureError('a.json: expected a JSON object'));
  });
});
