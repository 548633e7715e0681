// The PyTorch fixture format (test-data/torch/README.md) as types, and the small readers
// every family's fixture code shares. Parsing and validation: ./fixtures.ts.

export interface FixtureTensor {
  shape: number[];
  data: Float64Array;
}
export type TensorMap = Record<string, FixtureTensor>;

/** A family's fixture kind (src/models/registry.ts lists them) or train_<model>. */
export type FixtureKind = string;

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

export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
export const show = (shape: number[]) => `[${shape.join(',')}]`;
export const sameShape = (a: number[], b: number[]) => a.length === b.length && a.every((n, i) => n === b[i]);
export const describe = (v: unknown) => (v === undefined ? 'missing' : JSON.stringify(v));

/** A positive integer from the config; `fallback` when the key is absent. */
export function configInt(fx: Pick<Fixture, 'file' | 'config'>, key: string, fallback?: number): number {
  const v = fx.config[key];
  if (v === undefined && fallback !== undefined) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) throw new FixtureError(`${fx.file}: config.${key} must be a positive integer, got ${describe(v)}`);
  return v;
}

/** The sizes of a train_* fixture's run: the head's outputs, the batch, the steps per sequence and the updates replayed. */
export function trainRunSizes(fx: Fixture): { outputSize: number; batch: number; steps: number; updates: number } {
  return {
    outputSize: configInt(fx, 'output_size'),
    batch: configInt(fx, 'batch'),
    steps: configInt(fx, 'seq_len'),
    updates: configInt(fx, 'steps', fx.losses?.length),
  };
}

/** The tensors' data by name, e.g. for recurrentForward's params. */
export function dataOf(tensors: TensorMap): Record<string, Float64Array> {
  return Object.fromEntries(Object.entries(tensors).map(([k, t]) => [k, t.data]));
}

/** Number of layers from the parameter names (weight_ih_l{k}), for configs that do not say. */
export function layersInParams(params: TensorMap, prefix: string): number {
  let L = 0;
  for (const name of Object.keys(params)) {
    const m = name.startsWith(prefix) ? /^weight_ih_l(\d+)$/.exec(name.slice(prefix.length)) : null;
    if (m) L = Math.max(L, Number(m[1]) + 1);
  }
  return L;
}
