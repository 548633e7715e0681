// Trained weights as a file, to take a model elsewhere or bring one back. Every parameter keeps
// its PyTorch name (`encoder.` + nn.LSTM/nn.GRU/nn.RNN or mamba_ssm's names, as its family names them, `head.` + nn.Linear's)
// and is stored as the fixtures store tensors ({"shape": [...], "data": [...]}, row-major), so in
// PyTorch a module with an `encoder` and a `head` of the same sizes loads it with
//
//   w = json.load(open("weights.json"))
//   model.load_state_dict({k: torch.tensor(v["data"]).reshape(v["shape"]) for k, v in w["params"].items()})
//
// Loading checks the file against the model it goes into: every parameter present, with its
// shape, finite values, nothing extra; each complaint names the file and the parameter.

import { DataError } from '../data/errors';
import { parseJsonDocument } from '../data/parse/json';
import type { SlabLayout } from '../gpu/tensor';
import type { ModelConfig } from '../models';
import { describeModel } from '../models/registry';
import type { TrainerConfig } from './trainer';

export const WEIGHTS_FORMAT = 'timestep-weights';

export interface WeightsFile {
  format: typeof WEIGHTS_FORMAT;
  version: 1;
  /** The model as the page labels it ("LSTM 64"). */
  name: string;
  /** Optimizer steps taken when saved. */
  step: number;
  model: ModelConfig;
  head: Pick<TrainerConfig, 'inputSize' | 'outputSize' | 'task' | 'loss'>;
  params: Record<string, { shape: number[]; data: number[] }>;
}

/** The weights file of a model: its configuration and every parameter, in the layout's order. */
export function weightsJson(meta: Pick<WeightsFile, 'name' | 'step'>, cfg: TrainerConfig, layout: SlabLayout, values: Record<string, Float32Array>): string {
  const file: WeightsFile = {
    format: WEIGHTS_FORMAT,
    version: 1,
    name: meta.name,
    step: meta.step,
    model: cfg.model,
    head: { inputSize: cfg.inputSize, outputSize: cfg.outputSize, task: cfg.task, loss: cfg.loss },
    params: Object.fromEntries(layout.fields.map((f) => [f.name, { shape: [...f.shape], data: Array.from(values[f.name]) }])),
  };
  return JSON.stringify(file);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const show = (shape: readonly number[]) => `[${shape.join(', ')}]`;

// Each family describes its own configurations (src/models/registry.ts).
export { describeModel };

/**
 * Reads a weights file for the model whose parameters `layout` lays out (configuration `into`).
 * Throws a DataError naming the file and what is wrong; returns the values by name.
 */
export function parseWeights(text: string, file: string, layout: SlabLayout, into: ModelConfig): Record<string, Float32Array> {
  const fail = (msg: string): never => {
    throw new DataError('json-shape', file, `${file}: ${msg}`);
  };
  if (text.trim() === '') fail('the file is empty.');
  const doc = parseJsonDocument(file, text);
  if (!isObject(doc) || doc.format !== WEIGHTS_FORMAT) {
    return fail(`not a Timestep weights file (expected "format": "${WEIGHTS_FORMAT}"; download one from a model's card).`);
  }
  if (doc.version !== 1) fail(`weights format version ${JSON.stringify(doc.version)}; this version of Timestep reads version 1.`);
  if (!isObject(doc.params)) return fail('"params" must be an object of named tensors.');
  const params = doc.params;
  const mismatch = `it holds ${describeModel(doc.model)}, this model is ${describeModel(into)}`;
  const expected = new Set(layout.fields.map((f) => f.name));
  const extra = Object.keys(params).filter((k) => !expected.has(k));
  const missing = layout.fields.filter((f) => !(f.name in params)).map((f) => f.name);
  if (missing.length || extra.length) {
    const list = (names: string[]) => names.slice(0, 4).join(', ') + (names.length > 4 ? ` and ${names.length - 4} more` : '');
    fail([missing.length ? `missing ${list(missing)}` : '', extra.length ? `no parameter of this model is called ${list(extra)}` : ''].filter(Boolean).join('; ') + ` (${mismatch}).`);
  }
  const out: Record<string, Float32Array> = {};
  for (const f of layout.fields) {
    const t = params[f.name];
    const where = `params["${f.name}"]`;
    if (!isObject(t) || !Array.isArray(t.shape) || !Array.isArray(t.data)) return fail(`${where}: expected {"shape": [...], "data": [...]}.`);
    if (t.shape.length !== f.shape.length || t.shape.some((n, i) => n !== f.shape[i])) fail(`${where}: shape ${show(t.shape as number[])}, this model's is ${show(f.shape)} (${mismatch}).`);
    if (t.data.length !== f.size) fail(`${where}: ${t.data.length} values for shape ${show(f.shape)} (${f.size}).`);
    const values = new Float32Array(f.size);
    t.data.forEach((v, i) => {
      if (typeof v !== 'number' || !Number.isFinite(v) || !Number.isFinite(Math.fround(v))) fail(`${where}: data[${i}] is ${JSON.stringify(v)}, not a finite 32-bit number.`);
      values[i] = v as number;
    });
    out[f.name] = values;
  }
  return out;
}
