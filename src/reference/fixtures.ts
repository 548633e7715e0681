// Loader and validator of the PyTorch fixture files (/work/shared/fixtures/README.md): one JSON
// object per case with tensors {shape, data} (row-major, float64). Any size and number of layers is
// accepted: sizes come from the config and the shapes, and every tensor is checked against them,
// with messages naming the file and the tensor, e.g.
//   lstm_small.json: params.weight_ih_l0: 79 values for shape [20,4] (80)
// Pure functions (no file system): the caller reads the text and passes the file's name.

import { recurrentParameterShapes as parameterShapes } from '../models/recurrentParams';
import type { CellKind, RecurrentConfig } from './recurrent';

export interface FixtureTensor {
  shape: number[];
  data: Float64Array;
}
export type TensorMap = Record<string, FixtureTensor>;

export type RecurrentKind = CellKind;
export type FixtureKind = RecurrentKind | 'selective_scan' | 'mamba_block' | `train_${string}`;

export interface Fixture {
  /** The file name the fixture was read from (used in messages). */
  file: string;
  name: string;
  kind: FixtureKind;
  /** Sizes and conventions as in the file (numbers, booleans, strings). */
  config: Record<string, unknown>;
  /** The loss the gradients are of, e.g. "sum(y*cot.y) + sum(h_n*cot.h_n)" (gradient cases). */
  loss?: string;
  inputs: TensorMap;
  params: TensorMap;
  cotangents: TensorMap;
  outputs: TensorMap;
  grads: TensorMap;
  /** train_* only. */
  losses?: number[];
  grad_norms_before_clip?: number[];
  final_params?: TensorMap;
  /** ‖∂L/∂x_t‖ per step, when the file has it. */
  grad_x_norm_per_step?: number[];
  /** Any other keys (generator, reference, checked_against, ...), as they are. */
  extra: Record<string, unknown>;
}

export class FixtureError extends Error {
  override name = 'FixtureError';
}

const RECURRENT_KINDS: readonly string[] = ['rnn_tanh', 'lstm', 'gru'];
const GROUPS = ['inputs', 'params', 'cotangents', 'outputs', 'grads'] as const;
const KNOWN = new Set<string>(['name', 'kind', 'config', 'loss', ...GROUPS, 'losses', 'grad_norms_before_clip', 'final_params', 'grad_x_norm_per_step']);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const show = (shape: number[]) => `[${shape.join(',')}]`;
const sameShape = (a: number[], b: number[]) => a.length === b.length && a.every((n, i) => n === b[i]);
const describe = (v: unknown) => (v === undefined ? 'missing' : JSON.stringify(v));

/** The keys a kind must have besides name, kind, config and inputs. */
function requiredKeys(kind: string): string[] {
  if (kind.startsWith('train_')) return ['params', 'losses', 'grad_norms_before_clip', 'final_params'];
  if (kind === 'selective_scan') return ['cotangents', 'outputs', 'grads'];
  return ['params', 'cotangents', 'outputs', 'grads'];
}

/** Parses and validates one fixture's JSON text; `file` names it in every message. */
export function parseFixture(text: string, file = 'fixture'): Fixture {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new FixtureError(`${file}: invalid JSON (${(e as Error).message})`);
  }
  return validateFixture(json, file);
}

/** Validates an already parsed object (see parseFixture). */
export function validateFixture(json: unknown, file = 'fixture'): Fixture {
  const fail = (msg: string): never => {
    throw new FixtureError(`${file}: ${msg}`);
  };
  if (!isObject(json)) return fail('expected a JSON object');
  for (const key of ['name', 'kind', 'config', 'inputs']) if (!(key in json)) fail(`missing key "${key}"`);
  const kind = json.kind;
  if (typeof kind !== 'string' || !(RECURRENT_KINDS.includes(kind) || kind === 'selective_scan' || kind === 'mamba_block' || /^train_\w+$/.test(kind))) {
    return fail(`unknown kind ${JSON.stringify(kind)}`);
  }
  for (const key of requiredKeys(kind)) if (!(key in json)) fail(`missing key "${key}"`);
  if (typeof json.name !== 'string') fail(`"name" must be a string, got ${describe(json.name)}`);
  if (!isObject(json.config)) fail(`"config" must be an object`);

  const tensor = (where: string, v: unknown): FixtureTensor => {
    if (!isObject(v) || !('shape' in v) || !('data' in v)) return fail(`${where}: expected {"shape": [...], "data": [...]}`);
    const shape = v.shape;
    if (!Array.isArray(shape) || !shape.every((n) => Number.isInteger(n) && n >= 0)) return fail(`${where}: shape must be a list of non-negative integers, got ${describe(shape)}`);
    const data = numbers(`${where}: data`, v.data);
    const n = shape.reduce((a: number, b: number) => a * b, 1);
    if (data.length !== n) fail(`${where}: ${data.length} values for shape ${show(shape)} (${n})`);
    return { shape: shape.slice(), data: Float64Array.from(data) };
  };
  /** `what` names the list in messages: "losses", or "params.w: data" for a tensor's values. */
  const numbers = (what: string, v: unknown): number[] => {
    if (!Array.isArray(v)) return fail(`${what} must be a list of numbers`);
    v.forEach((x, i) => {
      if (typeof x !== 'number' || !Number.isFinite(x)) fail(`${what}[${i}] is ${describe(x)}, not a finite number`);
    });
    return v as number[];
  };
  const group = (key: string): TensorMap => {
    const v = json[key];
    if (v === undefined) return {};
    if (!isObject(v)) return fail(`"${key}" must be an object of named tensors`);
    const out: TensorMap = {};
    for (const [name, t] of Object.entries(v)) out[name] = tensor(`${key}.${name}`, t);
    return out;
  };

  const fx: Fixture = {
    file,
    name: json.name as string,
    kind: kind as FixtureKind,
    config: json.config as Record<string, unknown>,
    inputs: group('inputs'),
    params: group('params'),
    cotangents: group('cotangents'),
    outputs: group('outputs'),
    grads: group('grads'),
    extra: Object.fromEntries(Object.entries(json).filter(([k]) => !KNOWN.has(k))),
  };
  if (typeof json.loss === 'string') fx.loss = json.loss;
  if ('losses' in json) fx.losses = numbers('losses', json.losses).slice();
  if ('grad_norms_before_clip' in json) fx.grad_norms_before_clip = numbers('grad_norms_before_clip', json.grad_norms_before_clip).slice();
  if ('final_params' in json) fx.final_params = group('final_params');
  if ('grad_x_norm_per_step' in json) fx.grad_x_norm_per_step = numbers('grad_x_norm_per_step', json.grad_x_norm_per_step).slice();

  checkConsistency(fx, fail);
  return fx;
}

/** The kind's own sizes first (recurrent and train_<rnn>), then the shapes that must agree whatever the kind. */
function checkConsistency(fx: Fixture, fail: (msg: string) => never): void {
  const expectShape = (where: string, t: FixtureTensor | undefined, shape: number[], why = '') => {
    if (!t) fail(`missing tensor ${where}`);
    else if (!sameShape(t.shape, shape)) fail(`${where}: shape ${show(t.shape)}, expected ${show(shape)}${why}`);
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
  for (const [name, t] of Object.entries(fx.cotangents)) {
    if (!fx.outputs[name]) fail(`cotangents.${name} has no output of that name`);
    expectShape(`cotangents.${name}`, t, fx.outputs[name].shape, ` (outputs.${name})`);
  }
  for (const [name, t] of Object.entries(fx.grads)) {
    const of = fx.inputs[name] ?? fx.params[name];
    if (!of) fail(`grads.${name} has no input or parameter of that name`);
    expectShape(`grads.${name}`, t, of.shape, ` (${fx.inputs[name] ? 'inputs' : 'params'}.${name})`);
  }
  if (fx.final_params) {
    for (const [name, t] of Object.entries(fx.params)) expectShape(`final_params.${name}`, fx.final_params[name], t.shape);
  }
  const steps = fx.config.steps;
  for (const key of ['losses', 'grad_norms_before_clip'] as const) {
    const list = fx[key];
    if (list && steps !== undefined && list.length !== steps) fail(`${key}: ${list.length} values, config.steps is ${describe(steps)}`);
  }
}

/** A positive integer from the config; `fallback` when the key is absent. */
export function configInt(fx: Pick<Fixture, 'file' | 'config'>, key: string, fallback?: number): number {
  const v = fx.config[key];
  if (v === undefined && fallback !== undefined) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) throw new FixtureError(`${fx.file}: config.${key} must be a positive integer, got ${describe(v)}`);
  return v;
}

/** Number of layers from the parameter names (weight_ih_l{k}), for configs that do not say. */
function layersInParams(params: TensorMap, prefix: string): number {
  let L = 0;
  for (const name of Object.keys(params)) {
    const m = name.startsWith(prefix) ? /^weight_ih_l(\d+)$/.exec(name.slice(prefix.length)) : null;
    if (m) L = Math.max(L, Number(m[1]) + 1);
  }
  return L;
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
  return {
    config: modelConfig(fx, cell as CellKind, 'encoder.'),
    outputSize: configInt(fx, 'output_size'),
    batch: configInt(fx, 'batch'),
    steps: configInt(fx, 'seq_len'),
    updates: configInt(fx, 'steps', fx.losses?.length),
  };
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

/** The tensors' data by name, e.g. for recurrentForward's params. */
export function dataOf(tensors: TensorMap): Record<string, Float64Array> {
  return Object.fromEntries(Object.entries(tensors).map(([k, t]) => [k, t.data]));
}
