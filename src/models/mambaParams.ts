// The parameters of mamba_ssm's Mamba block (`mamba_simple.Mamba`, bias=False, conv_bias=True) and
// of the encoder the trainer builds from it: sizes, names, shapes in state_dict order and
// mamba_simple's initialisation. The GPU model, the float64 reference, the fixture checker and the
// weights files all read them from here (glossary of the symbols: src/reference/mamba.ts).

import type { Random } from '../data/random';

export interface MambaConfig {
  dModel: number;
  dState: number;
  dConv: number;
  expand: number;
  /** Defaults to ceil(dModel / 16), as mamba_simple's dt_rank="auto". */
  dtRank?: number;
}

export interface MambaDims {
  dModel: number;
  dInner: number;
  dState: number;
  dConv: number;
  dtRank: number;
}

export function mambaDims(cfg: MambaConfig): MambaDims {
  return { dModel: cfg.dModel, dInner: cfg.expand * cfg.dModel, dState: cfg.dState, dConv: cfg.dConv, dtRank: cfg.dtRank ?? Math.ceil(cfg.dModel / 16) };
}

export const MAMBA_PARAM_NAMES = ['A_log', 'D', 'in_proj.weight', 'conv1d.weight', 'conv1d.bias', 'x_proj.weight', 'dt_proj.weight', 'dt_proj.bias', 'out_proj.weight'] as const;
export type MambaParamName = (typeof MAMBA_PARAM_NAMES)[number];
export type MambaParams = Record<MambaParamName, Float64Array>;

/** Parameter shapes in the order of Mamba's state_dict. */
export function mambaParameterShapes(cfg: MambaConfig): Array<[MambaParamName, number[]]> {
  const { dModel, dInner, dState, dConv, dtRank } = mambaDims(cfg);
  return [
    ['A_log', [dInner, dState]],
    ['D', [dInner]],
    ['in_proj.weight', [2 * dInner, dModel]],
    ['conv1d.weight', [dInner, 1, dConv]],
    ['conv1d.bias', [dInner]],
    ['x_proj.weight', [dtRank + 2 * dState, dInner]],
    ['dt_proj.weight', [dInner, dtRank]],
    ['dt_proj.bias', [dInner]],
    ['out_proj.weight', [dModel, dInner]],
  ];
}

/** mamba_simple's initialisation (dt_min 1e-3, dt_max 1e-1, dt_init_floor 1e-4, dt_scale 1), seeded. */
export function initMambaParams(cfg: MambaConfig, rng: Random): MambaParams {
  const { dModel, dInner, dState, dConv, dtRank } = mambaDims(cfg);
  const uniform = (n: number, bound: number): Float64Array => rng.uniformArray(n, -bound, bound);
  // Constructor order: in_proj, conv1d, x_proj, dt_proj, A_log, D, out_proj.
  const inProj = uniform(2 * dInner * dModel, 1 / Math.sqrt(dModel)); // nn.Linear: U(±1/sqrt(fan_in))
  const convWeight = uniform(dInner * dConv, 1 / Math.sqrt(dConv)); //   nn.Conv1d, fan_in = (in/groups)·k = dConv
  const convBias = uniform(dInner, 1 / Math.sqrt(dConv));
  const xProj = uniform((dtRank + 2 * dState) * dInner, 1 / Math.sqrt(dInner));
  const dtWeight = uniform(dInner * dtRank, dtRank ** -0.5);
  const dtBias = new Float64Array(dInner);
  for (let d = 0; d < dInner; d++) {
    // Δ log-uniform in [1e-3, 1e-1], floored, then the inverse of softplus so softplus(bias) = Δ.
    const dt = Math.max(Math.exp(rng.next() * (Math.log(1e-1) - Math.log(1e-3)) + Math.log(1e-3)), 1e-4);
    dtBias[d] = dt + Math.log(-Math.expm1(-dt));
  }
  const aLog = new Float64Array(dInner * dState);
  for (let d = 0; d < dInner; d++) for (let n = 0; n < dState; n++) aLog[d * dState + n] = Math.log(n + 1);
  return {
    A_log: aLog,
    D: new Float64Array(dInner).fill(1),
    'in_proj.weight': inProj,
    'conv1d.weight': convWeight,
    'conv1d.bias': convBias,
    'x_proj.weight': xProj,
    'dt_proj.weight': dtWeight,
    'dt_proj.bias': dtBias,
    'out_proj.weight': uniform(dModel * dInner, 1 / Math.sqrt(dInner)),
  };
}

export interface MambaModelConfig {
  inputSize: number;
  dModel: number;
  dState: number;
  dConv: number;
  expand: number;
  numLayers: number;
  /** Defaults to ceil(dModel / 16). */
  dtRank?: number;
}

/** Prefix of block k's parameters (see the header). */
export function mambaBlockPrefix(cfg: MambaModelConfig, k: number): string {
  return cfg.numLayers === 1 ? 'mamba.' : `layers.${k}.mixer.`;
}

export function mambaModelParameterShapes(cfg: MambaModelConfig): Array<[string, number[]]> {
  if (!Number.isInteger(cfg.numLayers) || cfg.numLayers < 1) throw new Error(`Mamba: numLayers must be a positive integer, got ${cfg.numLayers}`);
  const M = cfg.dModel;
  const out: Array<[string, number[]]> = [
    ['embed.weight', [M, cfg.inputSize]],
    ['embed.bias', [M]],
  ];
  for (let k = 0; k < cfg.numLayers; k++) {
    for (const [name, shape] of mambaParameterShapes(cfg)) out.push([`${mambaBlockPrefix(cfg, k)}${name}`, shape]);
    if (cfg.numLayers > 1) out.push([`layers.${k}.norm.weight`, [M]]);
  }
  if (cfg.numLayers > 1) out.push(['norm_f.weight', [M]]);
  return out;
}

/** nn.Linear's U(±1/√I) for the embedding, then initMambaParams per block, in order, from one generator. */
export function initMambaModel(cfg: MambaModelConfig, rng: Random): Record<string, Float32Array> {
  const bound = 1 / Math.sqrt(cfg.inputSize);
  const out: Record<string, Float32Array> = {
    'embed.weight': Float32Array.from(rng.uniformArray(cfg.dModel * cfg.inputSize, -bound, bound)),
    'embed.bias': Float32Array.from(rng.uniformArray(cfg.dModel, -bound, bound)),
  };
  const stacked = cfg.numLayers > 1;
  for (let k = 0; k < cfg.numLayers; k++) {
    const p = initMambaParams(cfg, rng);
    if (stacked) p['out_proj.weight'] = p['out_proj.weight'].map((v) => v / Math.sqrt(cfg.numLayers));
    for (const [name, v] of Object.entries(p)) out[`${mambaBlockPrefix(cfg, k)}${name}`] = Float32Array.from(v);
    if (stacked) out[`layers.${k}.norm.weight`] = new Float32Array(cfg.dModel).fill(1);
  }
  if (stacked) out['norm_f.weight'] = new Float32Array(cfg.dModel).fill(1);
  return out;
}

