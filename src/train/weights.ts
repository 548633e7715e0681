// Trained weights as a file, to take a model elsewhere or bring one back. Every parameter keeps
// its PyTorch name (`encoder.` + nn.LSTM/nn.GRU/nn.RNN or mamba_ssm's names, as its family names them, `head.` + nn.Linear's)
// and its shape, in one of two formats:
//
// - safetensors (./safetensors.ts), float32, with the model's configuration in `__metadata__`;
//   in PyTorch a module with an `encoder` and a `head` of the same sizes loads it with
//     model.load_state_dict(safetensors.torch.load_file("weights.safetensors"))
// - JSON, each tensor as the fixtures store them ({"shape": [...], "data": [...]}, row-major):
//     w = json.load(open("weights.json"))
//     model.load_state_dict({k: torch.tensor(v["data"]).reshape(v["shape"]) for k, v in w["params"].items()})
//
// Loading checks the file against the model it goes into: every parameter present, with its
// shape, finite values, nothing extra; each complaint names the file and the parameter.

import { DataError } from '../data/errors';
import { parseJsonDocument } from '../data/parse/json';
import type { SlabLayout } from '../gpu/tensor';
import type { ModelConfig } from '../models';
import { describeModel } from '../models/registry';
import { readSafetensors, tensorToFloat32, writeSafetensors } from './safetensors';
import type { TrainerConfig } from './trainer';
import { version as appVersion } from '../../package.json';

export const WEIGHTS_FORMAT = 'timestep-weights';
/** `__metadata__.format` of a safetensors file Timestep writes. */
export const SAFETENSORS_FORMAT = 'timestep';

/** The two files a model's weights download as. */
export type WeightsFormat = 'json' | 'safetensors';

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

const headOf = (cfg: TrainerConfig): WeightsFile['head'] => ({ inputSize: cfg.inputSize, outputSize: cfg.outputSize, task: cfg.task, loss: cfg.loss });

/** The weights file of a model: its configuration and every parameter, in the layout's order. */
export function weightsJson(meta: Pick<WeightsFile, 'name' | 'step'>, cfg: TrainerConfig, layout: SlabLayout, values: Record<string, Float32Array>): string {
  const file: WeightsFile = {
    format: WEIGHTS_FORMAT,
    version: 1,
    name: meta.name,
    step: meta.step,
    model: cfg.model,
    head: headOf(cfg),
    params: Object.fromEntries(layout.fields.map((f) => [f.name, { shape: [...f.shape], data: Array.from(values[f.name]) }])),
  };
  return JSON.stringify(file);
}

/**
 * The same as a safetensors file: float32 tensors under the same names and shapes, and in
 * `__metadata__` (strings, as the format wants) the format, Timestep's version, the model's name,
 * step, configuration and head (the last two as JSON).
 */
export function weightsSafetensors(meta: Pick<WeightsFile, 'name' | 'step'>, cfg: TrainerConfig, layout: SlabLayout, values: Record<string, Float32Array>): Uint8Array {
  const tensors = layout.fields.map((f) => ({ name: f.name, shape: f.shape, data: values[f.name] }));
  return writeSafetensors(tensors, {
    format: SAFETENSORS_FORMAT,
    timestep_version: appVersion,
    name: meta.name,
    step: String(meta.step),
    model: JSON.stringify(cfg.model),
    head: JSON.stringify(headOf(cfg)),
  });
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const show = (shape: readonly number[]) => `[${shape.join(', ')}]`;

/** Which format a weights file is in: `.safetensors` by its name, otherwise by its first bytes. */
export function weightsFormatOf(file: string, bytes: Uint8Array): WeightsFormat {
  if (/\.safetensors$/i.test(file)) return 'safetensors';
  // A safetensors file opens with its header length, a u64 whose high bytes are zero; JSON text has no NUL byte.
  return bytes.length >= 8 && bytes[5] === 0 && bytes[6] === 0 && bytes[7] === 0 ? 'safetensors' : 'json';
}

/** Reads a weights file in either format (weightsFormatOf) for the model `layout` lays out. */
export function parseWeightsFile(file: string, bytes: Uint8Array, layout: SlabLayout, into: ModelConfig): Record<string, Float32Array> {
  if (weightsFormatOf(file, bytes) === 'safetensors') return parseSafetensorsWeights(bytes, file, layout, into);
  return parseWeights(new TextDecoder().decode(bytes), file, layout, into);
}

/** Complains, through `fail`, of parameters the file lacks and names no parameter of the model has. */
function checkNames(names: string[], layout: SlabLayout, mismatch: string, fail: (msg: string) => never): void {
  const expected = new Set(layout.fields.map((f) => f.name));
  const present = new Set(names);
  const extra = names.filter((k) => !expected.has(k));
  const missing = layout.fields.filter((f) => !present.has(f.name)).map((f) => f.name);
  if (missing.length || extra.length) {
    const list = (xs: string[]) => xs.slice(0, 4).join(', ') + (xs.length > 4 ? ` and ${xs.length - 4} more` : '');
    fail([missing.length ? `missing ${list(missing)}` : '', extra.length ? `no parameter of this model is called ${list(extra)}` : ''].filter(Boolean).join('; ') + ` (${mismatch}).`);
  }
}

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
  checkNames(Object.keys(params), layout, mismatch, fail);
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

/**
 * Reads a safetensors weights file (ours, or a PyTorch state_dict saved with `save_file`) for the
 * model `layout` lays out. Throws an Error naming the file and the parameter that does not fit.
 */
export function parseSafetensorsWeights(bytes: Uint8Array, file: string, layout: SlabLayout, into: ModelConfig): Record<string, Float32Array> {
  const fail = (msg: string): never => {
    throw new Error(`${file}: ${msg}`);
  };
  const { metadata, tensors } = readSafetensors(bytes, file);
  // A file of ours says which model it holds; one from PyTorch does not.
  let held: unknown = null;
  if (metadata?.format === SAFETENSORS_FORMAT && metadata.model) {
    try {
      held = JSON.parse(metadata.model);
    } catch {
      held = null;
    }
  }
  const mismatch = (held ? `it holds ${describeModel(held)}, ` : '') + `this model is ${describeModel(into)}`;
  checkNames(tensors.map((t) => t.name), layout, mismatch, fail);
  const byName = new Map(tensors.map((t) => [t.name, t]));
  const out: Record<string, Float32Array> = {};
  for (const f of layout.fields) {
    const t = byName.get(f.name)!;
    if (t.shape.length !== f.shape.length || t.shape.some((n, i) => n !== f.shape[i])) fail(`${f.name} has shape ${show(t.shape)}; this model's is ${show(f.shape)} (${mismatch}).`);
    const values = tensorToFloat32(t, file);
    const bad = values.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) fail(`${f.name}[${bad}] is ${values[bad]} as a 32-bit float, not a finite number.`);
    out[f.name] = values;
  }
  return out;
}
