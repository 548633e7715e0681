// Safetensors against an implementation that is not ours: files PyTorch's state_dict was written
// to by scripts/make-safetensors-fixtures.py (test-data/safetensors/) load into a model of the same
// configuration with the values the script recorded, and files Timestep writes are read back by
// that script, load into nn.LSTM/nn.GRU/nn.RNN with strict=True, and are the bytes its writer
// (save_file's layout) writes. The second part needs the tests' Python with torch (CI installs
// python3-torch) and is skipped without it.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { needPython, PYTHON } from '../../scripts/python.testing';
import { Random } from '../data/random';
import { slabLayout } from '../gpu/tensor';
import type { ModelConfig } from '../models';
import { Trainer, type TrainerConfig } from './trainer';
import { parseWeightsFile, weightsSafetensors } from './weights';

const root = resolve(import.meta.dirname, '../..');
const fixtures = join(root, 'test-data/safetensors');
const script = join(root, 'scripts/make-safetensors-fixtures.py');

interface Case {
  config: { cell: 'lstm' | 'gru' | 'rnn_tanh'; input_size: number; hidden: number; layers: number; bidirectional: boolean; output_size: number };
  params: Record<string, { shape: number[]; data: number[] }>;
}

/** A Timestep model of the sizes given (initial state zeros, as PyTorch's modules have), and its parameter layout. */
function model(cell: Case['config']['cell'], inputSize: number, hidden: number, layers: number, bidirectional: boolean, outputSize: number) {
  const m: ModelConfig = { kind: 'recurrent', cell, inputSize, hiddenSize: hidden, numLayers: layers, bidirectional, initialState: 'zeros' };
  const cfg = { model: m, inputSize, outputSize, task: 'many-to-many', loss: 'mse' } as TrainerConfig;
  return { cfg, layout: slabLayout(Trainer.parameterShapes(cfg), 256) };
}

describe('safetensors files written from PyTorch', () => {
  const cases: Record<string, Case> = JSON.parse(readFileSync(join(fixtures, 'expected.json'), 'utf8'));

  it.each(Object.keys(cases))('%s loads into a model of the same configuration with the values the script recorded', (file) => {
    const { config, params } = cases[file];
    const { cfg, layout } = model(config.cell, config.input_size, config.hidden, config.layers, config.bidirectional, config.output_size);
    const values = parseWeightsFile(file, readFileSync(join(fixtures, file)), layout, cfg.model);
    expect(Object.keys(values).sort()).toEqual(Object.keys(params).sort());
    for (const f of layout.fields) {
      expect(params[f.name].shape, f.name).toEqual(f.shape);
      // The script's values are float32 (torch's own conversion of F64, F16 and BF16): equal exactly.
      expect(Array.from(values[f.name]), f.name).toEqual(params[f.name].data);
    }
  });

  it('an integer tensor is refused, named with its dtype', () => {
    const { cfg, layout } = model('lstm', 3, 5, 2, false, 2);
    expect(() => parseWeightsFile('lstm-int-bias.safetensors', readFileSync(join(fixtures, 'lstm-int-bias.safetensors')), layout, cfg.model)).toThrow(
      "lstm-int-bias.safetensors: head.bias is I64; a model's parameters load from floating-point tensors (F32, or F64, F16, BF16 converted to float32).",
    );
  });

  it('a GRU file into an LSTM of the same sizes is refused at the first parameter', () => {
    const { cfg, layout } = model('lstm', 3, 5, 2, true, 2);
    expect(() => parseWeightsFile('gru-bidirectional.safetensors', readFileSync(join(fixtures, 'gru-bidirectional.safetensors')), layout, cfg.model)).toThrow(
      "gru-bidirectional.safetensors: encoder.weight_ih_l0 has shape [15, 3]; this model's is [20, 3] (this model is LSTM (hidden 5, 2 layer(s), bidirectional)).",
    );
  });
});

describe('safetensors files written by Timestep, read by PyTorch', () => {
  beforeEach((test) => needPython(test, 'torch'));
  const dir = mkdtempSync(join(tmpdir(), 'timestep-safetensors-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const shapes: Array<Parameters<typeof model>> = [
    ['lstm', 3, 5, 2, true, 2],
    ['gru', 4, 7, 1, false, 3],
    ['rnn_tanh', 1, 1, 3, false, 1],
  ];
  it.each(shapes)('%s (input %i, hidden %i, %i layers, bidirectional %s, %i outputs)', (...sizes) => {
    const { cfg, layout } = model(...sizes);
    const rng = new Random(sizes[2]);
    const values = Object.fromEntries(layout.fields.map((f) => [f.name, Float32Array.from(rng.uniformArray(f.size, -2, 2))]));
    const bytes = weightsSafetensors({ name: `${sizes[0]} model`, step: 17 }, cfg, layout, values);
    const path = join(dir, `${sizes[0]}.safetensors`);
    writeFileSync(path, bytes);
    const run = spawnSync(PYTHON, [script, path], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    const seen = JSON.parse(run.stdout);
    expect(seen.header_length % 8).toBe(0);
    expect(seen.metadata).toMatchObject({ format: 'timestep', name: `${sizes[0]} model`, step: '17' });
    expect(seen.rewritten_identical).toBe(true);
    expect(seen.loaded_into_torch).toEqual(layout.fields.map((f) => f.name).sort());
    for (const f of layout.fields) {
      expect(seen.params[f.name].dtype, f.name).toBe('F32');
      expect(seen.params[f.name].shape, f.name).toEqual(f.shape);
      expect(seen.params[f.name].data, f.name).toEqual(Array.from(values[f.name]));
    }
  });
});
