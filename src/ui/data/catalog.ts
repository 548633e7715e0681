// The built-in datasets as the UI lists them, from the data layer's own catalogue: id, title,
// the one line on what each one tests, and the parameters a person may change.

import { listBuiltins, type BuiltinInfo, type BuiltinParam } from '../../data/builtin';

export type { BuiltinInfo, BuiltinParam };
export type ParamValues = Record<string, number | string>;

export const BUILTINS: BuiltinInfo[] = listBuiltins();

export function builtinInfo(id: string): BuiltinInfo | undefined {
  return BUILTINS.find((b) => b.id === id);
}

function valid(p: BuiltinParam, v: number | string | undefined): boolean {
  if (v === undefined) return false;
  if (p.kind === 'choice') return Boolean(p.options?.some((o) => o.value === v));
  return typeof v === 'number' && Number.isFinite(v) && (p.kind !== 'int' || Number.isInteger(v)) && v >= (p.min ?? -Infinity) && v <= (p.max ?? Infinity);
}

/** The parameters of a dataset, with every missing or invalid value replaced by its default. */
export function completeParams(id: string, params: ParamValues): ParamValues {
  const out: ParamValues = {};
  for (const p of builtinInfo(id)?.params ?? []) out[p.key] = valid(p, params[p.key]) ? params[p.key] : p.default;
  return out;
}
