// Loader and validator of the PyTorch fixture files (test-data/torch/README.md): one JSON
// object per case with tensors {shape, data} (row-major, float64). Any size and number of layers is
// accepted: sizes come from the config and the shapes, and every tensor is checked against them,
// with messages naming the file and the tensor, e.g.
//   lstm_small.json: params.weight_ih_l0: 79 values for shape [20,4] (80)
// Pure functions (no file system): the caller reads the text and passes the file's name.

import { familyOfFixture } from '../models/registry';
import { describe, FixtureError, isObject, sameShape, show, type Fixture, type FixtureKind, type FixtureTensor, type TensorMap } from './fixtureFormat';

export * from './fixtureFormat';
export { recurrentSetup, trainParameterShapes, trainSetup } from './recurrentFixtures';

const GROUPS = ['inputs', 'params', 'cotangents', 'outputs', 'grads'] as const;
const KNOWN = new Set<string>(['name', 'kind', 'config', 'loss', ...GROUPS, 'losses', 'grad_norms_before_clip', 'final_params', 'grad_x_norm_per_step']);


/** The keys a kind must have besides name, kind, config and inputs. */
function requiredKeys(kind: string): string[] {
  const own = familyOfFixture(kind)?.fixtures.requiredKeys?.(kind);
  if (own) return own;
  if (kind.startsWith('train_')) return ['params', 'losses', 'grad_norms_before_clip', 'final_params'];
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
  // A train_<model> file of a model not built yet is well formed: the checker says it has no GPU path.
  if (typeof kind !== 'string' || !(familyOfFixture(kind) || /^train_\w+$/.test(kind))) {
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

/** The family's own shape checks first (its fixtures.validate), then the shapes that must agree whatever the kind. */
function checkConsistency(fx: Fixture, fail: (msg: string) => never): void {
  const expectShape = (where: string, t: FixtureTensor | undefined, shape: number[], why = '') => {
    if (!t) fail(`missing tensor ${where}`);
    else if (!sameShape(t.shape, shape)) fail(`${where}: shape ${show(t.shape)}, expected ${show(shape)}${why}`);
  };
  familyOfFixture(fx.kind)?.fixtures.validate?.(fx, expectShape);
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

