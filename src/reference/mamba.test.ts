// The float64 Mamba reference against the PyTorch fixtures (err <= 1e-9) and against central
// differences of its own forward, at odd sizes and at extreme values of Δ.

import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Random } from '../data/random';
import { relErr } from './compare';
import { initMambaParams, MAMBA_PARAM_NAMES, mambaDims, mambaParameterShapes } from '../models/mambaParams';
import { FIXTURES } from './fixtures.testing';
import {
  mambaBackward,
  mambaForward,
  selectiveScan,
  selectiveScanBackward,
  type MambaConfig,
  type MambaParams,
  type ScanInputs,
  type ScanSizes,
} from './mamba';

// ---------------------------------------------------------------- fixtures

interface FixtureTensor {
  shape: number[];
  data: number[];
}
interface Fixture {
  name: string;
  kind: string;
  config: Record<string, number | boolean | string>;
  inputs: Record<string, FixtureTensor>;
  params?: Record<string, FixtureTensor>;
  cotangents: Record<string, FixtureTensor>;
  outputs: Record<string, FixtureTensor>;
  grads: Record<string, FixtureTensor>;
}

const fixtureDir = FIXTURES;

function fixtures(prefix: string): Fixture[] {
  const files = readdirSync(fixtureDir).filter((f) => f.startsWith(prefix) && f.endsWith('.json'));
  return files.sort().map((f) => JSON.parse(readFileSync(path.join(fixtureDir, f), 'utf8')) as Fixture);
}

const SCAN_NAMES = ['u', 'delta', 'A', 'B', 'C', 'D', 'z', 'deltaBias'] as const;
const FIXTURE_NAME: Record<(typeof SCAN_NAMES)[number], string> = { u: 'u', delta: 'delta', A: 'A', B: 'B', C: 'C', D: 'D', z: 'z', deltaBias: 'delta_bias' };

function scanCase(f: Fixture): { sizes: ScanSizes; inputs: ScanInputs } {
  const c = f.config;
  const sizes = { batch: Number(c.batch), dInner: Number(c.d_inner), dState: Number(c.d_state), seqLen: Number(c.seq_len), deltaSoftplus: Boolean(c.delta_softplus) };
  const inputs = Object.fromEntries(SCAN_NAMES.map((k) => [k, f.inputs[FIXTURE_NAME[k]].data])) as unknown as ScanInputs;
  return { sizes, inputs };
}

const scanFixtures = fixtures('selective_scan_');
const blockFixtures = fixtures('mamba_block_');

describe('selective scan vs PyTorch fixtures', () => {
  it('finds fixtures', () => expect(scanFixtures.length).toBeGreaterThan(0));
  for (const f of scanFixtures) {
    it(f.name, () => {
      const { sizes, inputs } = scanCase(f);
      const out = selectiveScan(sizes, inputs);
      expect(relErr(out.y, f.outputs.y.data)).toBeLessThanOrEqual(1e-9);
      expect(relErr(out.lastState, f.outputs.last_state.data)).toBeLessThanOrEqual(1e-9);
      const g = selectiveScanBackward(sizes, inputs, f.cotangents.y.data, f.cotangents.last_state.data);
      for (const k of SCAN_NAMES) {
        expect(relErr(g[k], f.grads[FIXTURE_NAME[k]].data), `grad ${k}`).toBeLessThanOrEqual(1e-9);
      }
    });
  }
});

describe('Mamba block vs PyTorch fixtures', () => {
  it('finds fixtures', () => expect(blockFixtures.length).toBeGreaterThan(0));
  for (const f of blockFixtures) {
    it(f.name, () => {
      const c = f.config;
      const cfg: MambaConfig = { dModel: Number(c.d_model), dState: Number(c.d_state), dConv: Number(c.d_conv), expand: Number(c.expand) };
      expect(mambaDims(cfg).dInner).toBe(Number(c.d_inner));
      expect(mambaDims(cfg).dtRank).toBe(Number(c.dt_rank));
      const shapes = mambaParameterShapes(cfg);
      expect(shapes.map(([n]) => n)).toEqual(Object.keys(f.params!));
      for (const [name, shape] of shapes) expect(shape, name).toEqual(f.params![name].shape);
      const params = Object.fromEntries(MAMBA_PARAM_NAMES.map((n) => [n, Float64Array.from(f.params![n].data)])) as MambaParams;
      const [batch, L] = f.inputs.x.shape;
      const x = f.inputs.x.data;
      // mamba_ssm's own Mamba casts A, D and dt_proj.bias to float32 inside a float64 model;
      // scripts/make-torch-fixtures.py writes the block out in float64 throughout.
      const like = { torch: !/make-torch-fixtures/.test(String((f as { generator?: string }).generator)) };
      const out = mambaForward(cfg, params, x, batch, L, like);
      expect(relErr(out.y, f.outputs.y.data)).toBeLessThanOrEqual(1e-9);
      const g = mambaBackward(cfg, params, x, batch, L, f.cotangents.y.data, like);
      expect(relErr(g.x, f.grads.x.data), 'grad x').toBeLessThanOrEqual(1e-9);
      for (const name of MAMBA_PARAM_NAMES) expect(relErr(g.params[name], f.grads[name].data), `grad ${name}`).toBeLessThanOrEqual(1e-9);
    });
  }
});

// ---------------------------------------------------------------- central differences

/**
 * d loss / d v[i] for every i by the five-point central difference (error O(h^4), so a step large
 * enough to keep rounding noise far below the gradient); `loss` reads v as it is when called.
 */
function numericGrad(v: Float64Array, loss: () => number, step = 1e-3): Float64Array {
  const g = new Float64Array(v.length);
  const at = (i: number, value: number): number => {
    v[i] = value;
    return loss();
  };
  for (let i = 0; i < v.length; i++) {
    const keep = v[i];
    const h = step * Math.max(1, Math.abs(keep));
    g[i] = (at(i, keep - 2 * h) - 8 * at(i, keep - h) + 8 * at(i, keep + h) - at(i, keep + 2 * h)) / (12 * h);
    v[i] = keep;
  }
  return g;
}

const dot = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};

function randomScan(rng: Random, s: ScanSizes, deltaRange: [number, number]): { [K in keyof ScanInputs]: Float64Array } {
  const { batch, dInner: E, dState: N, seqLen: L } = s;
  return {
    u: rng.uniformArray(batch * E * L, -1, 1),
    delta: rng.uniformArray(batch * E * L, deltaRange[0], deltaRange[1]),
    A: rng.uniformArray(E * N, -2, -0.1),
    B: rng.uniformArray(batch * N * L, -1, 1),
    C: rng.uniformArray(batch * N * L, -1, 1),
    D: rng.uniformArray(E, -1, 1),
    z: rng.uniformArray(batch * E * L, -3, 3),
    deltaBias: rng.uniformArray(E, -0.5, 0.5),
  };
}

describe('selective scan gradients by central differences', () => {
  const rng = new Random(7);
  const cases: Array<[string, ScanSizes, [number, number]]> = [
    ['L=1', { batch: 1, dInner: 1, dState: 1, seqLen: 1, deltaSoftplus: true }, [-1, 1]],
    ['odd sizes', { batch: 2, dInner: 3, dState: 5, seqLen: 7, deltaSoftplus: true }, [-2, 1]],
    ['no softplus', { batch: 1, dInner: 3, dState: 2, seqLen: 5, deltaSoftplus: false }, [0.01, 1]],
    ['large negative Δ (softplus underflows to ~0)', { batch: 1, dInner: 2, dState: 3, seqLen: 6, deltaSoftplus: true }, [-40, -25]],
    ['large positive Δ (exp(ΔA) ~ 0)', { batch: 1, dInner: 2, dState: 3, seqLen: 6, deltaSoftplus: true }, [25, 40]],
  ];
  for (const [name, s, range] of cases) {
    it(name, () => {
      const x = randomScan(rng, s, range);
      const dy = rng.uniformArray(x.u.length, -1, 1);
      const dLast = rng.uniformArray(s.batch * s.dInner * s.dState, -1, 1);
      const loss = (): number => {
        const out = selectiveScan(s, x);
        return dot(out.y, dy) + dot(out.lastState, dLast);
      };
      const g = selectiveScanBackward(s, x, dy, dLast);
      for (const k of SCAN_NAMES) expect(relErr(g[k], numericGrad(x[k], loss)), `grad ${k}`).toBeLessThanOrEqual(1e-6);
    });
  }

  it('around the softplus threshold 20', () => {
    const s: ScanSizes = { batch: 1, dInner: 2, dState: 2, seqLen: 6, deltaSoftplus: true };
    const x = randomScan(rng, s, [0, 0]);
    x.deltaBias.fill(0);
    // Δ + bias on both sides of 20, never within the difference step of it.
    x.delta.set([19.5, 20.5, 19.99, 20.01, 21, 18, 20.2, 19.8, 25, 15, 19.9, 20.1]);
    x.A.set([-0.05, -0.01, -0.02, -0.04]);
    const dy = rng.uniformArray(x.u.length, -1, 1);
    const dLast = rng.uniformArray(4, -1, 1);
    const loss = (): number => {
      const out = selectiveScan(s, x);
      return dot(out.y, dy) + dot(out.lastState, dLast);
    };
    const g = selectiveScanBackward(s, x, dy, dLast);
    for (const k of SCAN_NAMES) expect(relErr(g[k], numericGrad(x[k], loss, 1e-6)), `grad ${k}`).toBeLessThanOrEqual(1e-6);
  });

  it('reports Δ and |h| for the UI', () => {
    const s: ScanSizes = { batch: 2, dInner: 3, dState: 2, seqLen: 4, deltaSoftplus: true };
    const x = randomScan(rng, s, [-1, 1]);
    const out = selectiveScan(s, x);
    expect(out.deltaTrace[5]).toBeCloseTo(Math.log1p(Math.exp(x.delta[5] + x.deltaBias[1])), 14);
    expect(out.stateNorm.length).toBe(s.batch * s.seqLen);
    const lastNorm = Math.hypot(...out.lastState.subarray(0, s.dInner * s.dState));
    expect(out.stateNorm[s.seqLen - 1]).toBeCloseTo(lastNorm, 14);
  });
});

describe('Mamba block gradients by central differences', () => {
  const cases: Array<[string, MambaConfig, number, number]> = [
    ['L=1', { dModel: 3, dState: 2, dConv: 3, expand: 2 }, 1, 1],
    ['odd sizes', { dModel: 3, dState: 3, dConv: 4, expand: 1 }, 2, 7],
    ['dt_rank 2, L shorter than the conv', { dModel: 5, dState: 2, dConv: 4, expand: 1, dtRank: 2 }, 1, 3],
  ];
  for (const [name, cfg, batch, L] of cases) {
    it(name, () => {
      const rng = new Random(11);
      const p = initMambaParams(cfg, rng);
      // Move off the initialisation (D = 1, tiny Δ) so every term carries weight.
      for (const k of MAMBA_PARAM_NAMES) for (let i = 0; i < p[k].length; i++) p[k][i] += rng.uniform(-0.3, 0.3);
      const x = rng.uniformArray(batch * L * cfg.dModel, -1, 1);
      const dy = rng.uniformArray(x.length, -1, 1);
      const loss = (): number => dot(mambaForward(cfg, p, x, batch, L).y, dy);
      const g = mambaBackward(cfg, p, x, batch, L, dy);
      expect(relErr(g.x, numericGrad(x, loss)), 'grad x').toBeLessThanOrEqual(1e-6);
      for (const k of MAMBA_PARAM_NAMES) expect(relErr(g.params[k], numericGrad(p[k], loss)), `grad ${k}`).toBeLessThanOrEqual(1e-6);
    });
  }
});

describe('Mamba initialisation', () => {
  it('follows mamba_simple', () => {
    const cfg: MambaConfig = { dModel: 20, dState: 4, dConv: 4, expand: 2 };
    const { dInner, dtRank } = mambaDims(cfg);
    expect(dtRank).toBe(2);
    const p = initMambaParams(cfg, new Random(3));
    const again = initMambaParams(cfg, new Random(3));
    for (const k of MAMBA_PARAM_NAMES) expect(p[k]).toEqual(again[k]);
    for (const [name, shape] of mambaParameterShapes(cfg)) expect(p[name].length, name).toBe(shape.reduce((a, b) => a * b, 1));
    expect(p.A_log.subarray(4, 8)).toEqual(Float64Array.from([0, Math.log(2), Math.log(3), Math.log(4)]));
    expect([...p.D].every((v) => v === 1)).toBe(true);
    for (const b of p['dt_proj.bias']) {
      const dt = Math.log1p(Math.exp(b));
      expect(dt).toBeGreaterThanOrEqual(1e-3 * (1 - 1e-12));
      expect(dt).toBeLessThanOrEqual(1e-1 * (1 + 1e-12));
    }
    const bound = (k: (typeof MAMBA_PARAM_NAMES)[number]): number => Math.max(...p[k].map(Math.abs));
    expect(bound('dt_proj.weight')).toBeLessThanOrEqual(dtRank ** -0.5);
    expect(bound('in_proj.weight')).toBeLessThanOrEqual(1 / Math.sqrt(cfg.dModel));
    expect(bound('x_proj.weight')).toBeLessThanOrEqual(1 / Math.sqrt(dInner));
    expect(bound('out_proj.weight')).toBeLessThanOrEqual(1 / Math.sqrt(dInner));
    expect(bound('conv1d.weight')).toBeLessThanOrEqual(1 / Math.sqrt(cfg.dConv));
    expect(bound('conv1d.bias')).toBeLessThanOrEqual(1 / Math.sqrt(cfg.dConv));
  });
});
