// Weights files, JSON and safetensors: what is saved loads back bit for bit, and a file that does
// not fit the model is refused with the file, the parameter and what is wrong.

import { describe, expect, it } from 'vitest';
import { Random } from '../data/random';
import { slabLayout } from '../gpu/tensor';
import type { ModelConfig } from '../models';
import { modelSpec } from '../models';
import type { TrainerConfig } from './trainer';
import { readSafetensors, writeSafetensors } from './safetensors';
import { parseWeights, parseWeightsFile, weightsFormatOf, weightsJson, weightsSafetensors } from './weights';
import { version } from '../../package.json';

const lstm: ModelConfig = { kind: 'recurrent', cell: 'lstm', inputSize: 3, hiddenSize: 5, numLayers: 2, bidirectional: true, initialState: 'learned' };
const gru: ModelConfig = { ...lstm, cell: 'gru' };

function setup(model: ModelConfig, seed = 1) {
  const shapes: Array<[string, number[]]> = [...modelSpec(model).parameterShapes().map(([n, s]): [string, number[]] => [`encoder.${n}`, s]), ['head.weight', [2, 10]], ['head.bias', [2]]];
  const layout = slabLayout(shapes, 256);
  const rng = new Random(seed);
  const values = Object.fromEntries(layout.fields.map((f) => [f.name, Float32Array.from(rng.uniformArray(f.size, -3, 3))]));
  const cfg = { model, inputSize: 3, outputSize: 2, task: 'many-to-many', loss: 'mse' } as TrainerConfig;
  const meta = { name: 'LSTM 5 ×2 bi', step: 42 };
  return { layout, values, text: weightsJson(meta, cfg, layout, values), bytes: weightsSafetensors(meta, cfg, layout, values) };
}

describe('weights files', () => {
  it('load back exactly what was saved, under PyTorch names with their shapes', () => {
    const { layout, values, text } = setup(lstm);
    const doc = JSON.parse(text);
    expect(doc).toMatchObject({ format: 'timestep-weights', version: 1, name: 'LSTM 5 ×2 bi', step: 42, model: lstm, head: { inputSize: 3, outputSize: 2 } });
    expect(doc.params['encoder.weight_hh_l1_reverse'].shape).toEqual([20, 5]);
    expect(doc.params['encoder.h0_l0'].shape).toEqual([5]);
    const back = parseWeights(text, 'w.json', layout, lstm);
    expect(Object.keys(back)).toEqual(layout.fields.map((f) => f.name));
    for (const f of layout.fields) expect(Array.from(back[f.name]), f.name).toEqual(Array.from(values[f.name]));
  });

  it('refuse a file for another model, naming the parameter, both shapes and both models', () => {
    const zeros = (m: ModelConfig): ModelConfig => ({ ...m, initialState: 'zeros' }) as ModelConfig;
    const { layout } = setup(zeros(lstm));
    expect(() => parseWeights(setup(zeros(gru)).text, 'gru.json', layout, zeros(lstm))).toThrow(
      'gru.json: params["encoder.weight_ih_l0"]: shape [15, 3], this model\'s is [20, 3] (it holds GRU (hidden 5, 2 layer(s), bidirectional), this model is LSTM (hidden 5, 2 layer(s), bidirectional)).',
    );
    // With a learned initial state the LSTM has a c0 the GRU lacks: named first.
    expect(() => parseWeights(setup(gru).text, 'gru.json', setup(lstm).layout, lstm)).toThrow(
      /^gru\.json: missing encoder\.c0_l0, encoder\.c0_l0_reverse, encoder\.c0_l1, encoder\.c0_l1_reverse \(it holds GRU .*, this model is LSTM .*\)\.$/,
    );
  });

  it('refuse missing, extra, non-finite and miscounted values, and say where', () => {
    const { layout, text } = setup(lstm);
    const edit = (change: (doc: { params: Record<string, { shape: number[]; data: unknown[] }> }) => void) => {
      const doc = JSON.parse(text);
      change(doc);
      return JSON.stringify(doc);
    };
    expect(() => parseWeights(edit((d) => delete d.params['encoder.bias_hh_l1']), 'a.json', layout, lstm)).toThrow(/^a\.json: missing encoder\.bias_hh_l1 \(it holds LSTM/);
    expect(() => parseWeights(edit((d) => (d.params['encoder.extra'] = { shape: [1], data: [0] })), 'b.json', layout, lstm)).toThrow('b.json: no parameter of this model is called encoder.extra');
    expect(() => parseWeights(edit((d) => (d.params['head.bias'].data[1] = null)), 'c.json', layout, lstm)).toThrow('c.json: params["head.bias"]: data[1] is null, not a finite 32-bit number.');
    expect(() => parseWeights(edit((d) => (d.params['head.bias'].data[0] = 1e39)), 'd.json', layout, lstm)).toThrow('d.json: params["head.bias"]: data[0] is 1e+39, not a finite 32-bit number.');
    expect(() => parseWeights(edit((d) => d.params['head.weight'].data.pop()), 'e.json', layout, lstm)).toThrow('e.json: params["head.weight"]: 19 values for shape [2, 10] (20).');
  });

  it('refuse what is not a weights file, with the place of a JSON syntax error', () => {
    const { layout } = setup(lstm);
    expect(() => parseWeights('{"format": "timestep-weights",\n "params": {,}}', 'broken.json', layout, lstm)).toThrow(/^broken\.json: line 2, column 13: /);
    expect(() => parseWeights('[1, 2, 3]', 'data.json', layout, lstm)).toThrow('data.json: not a Timestep weights file');
    expect(() => parseWeights('  ', 'empty.json', layout, lstm)).toThrow('empty.json: the file is empty.');
    expect(() => parseWeights('{"format": "timestep-weights", "version": 2, "params": {}}', 'new.json', layout, lstm)).toThrow('new.json: weights format version 2');
  });
});

describe('safetensors weights files', () => {
  const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

  it('load back exactly what was saved, with the model in the metadata', () => {
    const { layout, values, bytes, text } = setup(lstm);
    const { metadata, tensors } = readSafetensors(bytes, 'w.safetensors');
    expect(metadata).toEqual({ format: 'timestep', timestep_version: version, name: 'LSTM 5 ×2 bi', step: '42', model: JSON.stringify(lstm), head: JSON.stringify({ inputSize: 3, outputSize: 2, task: 'many-to-many', loss: 'mse' }) });
    // The JSON file's names and shapes, in the library's order.
    const json = JSON.parse(text).params;
    expect(tensors.map((t) => t.name)).toEqual(Object.keys(json).sort());
    for (const t of tensors) expect(t.shape, t.name).toEqual(json[t.name].shape);
    const back = parseWeightsFile('w.safetensors', bytes, layout, lstm);
    for (const f of layout.fields) expect(bits(back[f.name]), f.name).toEqual(bits(values[f.name]));
  });

  it('tell the formats apart by name or, failing that, by their first bytes', () => {
    const { layout, values, bytes, text } = setup(lstm);
    const jsonBytes = new TextEncoder().encode(text);
    expect(weightsFormatOf('a.safetensors', bytes)).toBe('safetensors');
    expect(weightsFormatOf('A.SAFETENSORS', jsonBytes)).toBe('safetensors');
    expect(weightsFormatOf('weights (1)', bytes)).toBe('safetensors');
    expect(weightsFormatOf('a.json', jsonBytes)).toBe('json');
    expect(weightsFormatOf('weights (1)', jsonBytes)).toBe('json');
    expect(weightsFormatOf('a.json', new TextEncoder().encode('\uFEFF {"format": 1}'))).toBe('json');
    const fromJson = parseWeightsFile('w.json', jsonBytes, layout, lstm);
    const fromBin = parseWeightsFile('download', bytes, layout, lstm);
    for (const f of layout.fields) expect(bits(fromBin[f.name]), f.name).toEqual(bits(fromJson[f.name]));
    expect(bits(fromJson['head.bias'])).toEqual(bits(values['head.bias']));
    // A JSON file saved under the other name is read as safetensors, and the error says so.
    expect(() => parseWeightsFile('w.safetensors', jsonBytes, layout, lstm)).toThrow(/^w\.safetensors: the header length \(\d+ bytes\) runs past the end of the file/);
  });

  it('refuse another model, naming the parameter, both shapes and both models', () => {
    const zeros = (m: ModelConfig): ModelConfig => ({ ...m, initialState: 'zeros' }) as ModelConfig;
    const { layout } = setup(zeros(lstm));
    expect(() => parseWeightsFile('gru.safetensors', setup(zeros(gru)).bytes, layout, zeros(lstm))).toThrow(
      "gru.safetensors: encoder.weight_ih_l0 has shape [15, 3]; this model's is [20, 3] (it holds GRU (hidden 5, 2 layer(s), bidirectional), this model is LSTM (hidden 5, 2 layer(s), bidirectional)).",
    );
  });

  it('refuse missing, extra, non-finite and integer tensors in a file from elsewhere, and say where', () => {
    const { layout, values } = setup(lstm);
    const fromElsewhere = (change: (t: Array<{ name: string; shape: number[]; data: Float32Array }>) => void) => {
      const tensors = layout.fields.map((f) => ({ name: f.name, shape: [...f.shape], data: values[f.name] }));
      change(tensors);
      return writeSafetensors(tensors, { format: 'pt' });
    };
    const load = (file: string, bytes: Uint8Array) => () => parseWeightsFile(file, bytes, layout, lstm);
    expect(load('a.safetensors', fromElsewhere((t) => t.splice(t.findIndex((x) => x.name === 'encoder.bias_hh_l1'), 1)))).toThrow(
      'a.safetensors: missing encoder.bias_hh_l1 (this model is LSTM (hidden 5, 2 layer(s), bidirectional)).',
    );
    expect(load('b.safetensors', fromElsewhere((t) => t.push({ name: 'encoder.extra', shape: [1], data: new Float32Array(1) })))).toThrow(
      'b.safetensors: no parameter of this model is called encoder.extra (this model is LSTM',
    );
    expect(load('c.safetensors', fromElsewhere((t) => (t.find((x) => x.name === 'head.weight')!.shape = [10, 2])))).toThrow(
      "c.safetensors: head.weight has shape [10, 2]; this model's is [2, 10] (this model is LSTM (hidden 5, 2 layer(s), bidirectional)).",
    );
    expect(load('d.safetensors', fromElsewhere((t) => (t.find((x) => x.name === 'head.bias')!.data = Float32Array.from([0, NaN]))))).toThrow(
      'd.safetensors: head.bias[1] is NaN as a 32-bit float, not a finite number.',
    );
    // An I32 tensor, spliced in by hand: the header says I32 where the writer said F32.
    const ints = fromElsewhere(() => {});
    const n = Number(new DataView(ints.buffer).getBigUint64(0, true));
    const header = new TextDecoder().decode(ints.subarray(8, 8 + n)).replace('"head.bias":{"dtype":"F32"', '"head.bias":{"dtype":"I32"');
    ints.set(new TextEncoder().encode(header), 8);
    expect(load('e.safetensors', ints)).toThrow("e.safetensors: head.bias is I32; a model's parameters load from floating-point tensors");
  });
});
