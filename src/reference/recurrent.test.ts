// The float64 recurrent reference against PyTorch's fixtures, central differences, truncated BPTT
// and the initialisation.

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Random } from '../data/random';
import { relErr } from './compare';
import { initRecurrentParameters as initParameters, recurrentParameterShapes as parameterShapes } from '../models/recurrentParams';
import { dataOf, parseFixture, recurrentSetup } from './fixtures';
import {
  gateTraces,
  layerBackward,
  layerForward,
  layerParams,
  recurrentBackward,
  recurrentForward,
  type CellKind,
  type Params,
  type RecurrentConfig,
} from './recurrent';
import { numericGrad } from './numericGrad';
import { FIXTURES, fixtureNames } from './fixtures.testing';

const dir = FIXTURES;
const files = fixtureNames(/^(rnn_tanh|lstm|gru)_.*\.json$/);
const CELLS: CellKind[] = ['rnn_tanh', 'lstm', 'gru'];

const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};

describe('recurrent reference matches the PyTorch fixtures', () => {
  it('finds the fixtures', () => {
    expect(files.length, `no rnn_tanh_/lstm_/gru_ fixtures in ${dir}`).toBeGreaterThan(0);
  });

  for (const file of files) {
    it(file, () => {
      const fx = parseFixture(readFileSync(resolve(dir, file), 'utf8'), file);
      const { config, batch } = recurrentSetup(fx);
      const fw = recurrentForward(config, dataOf(fx.params), fx.inputs.x.data, { batch, h0: fx.inputs.h0?.data, c0: fx.inputs.c0?.data });
      const g = recurrentBackward(fw.cache, { dy: fx.cotangents.y?.data, dhN: fx.cotangents.h_n?.data, dcN: fx.cotangents.c_n?.data });
      const check = (what: string, got: ArrayLike<number>, want: ArrayLike<number>) => {
        const err = relErr(got, want);
        expect(err, `${file} ${what} err=${err}`).toBeLessThanOrEqual(1e-9);
      };
      check('y', fw.y, fx.outputs.y.data);
      check('h_n', fw.hN, fx.outputs.h_n.data);
      if (config.cell === 'lstm') check('c_n', fw.cN, fx.outputs.c_n.data);
      check('grad x', g.dx, fx.grads.x.data);
      if (fx.grads.h0) check('grad h0', g.dh0, fx.grads.h0.data);
      if (fx.grads.c0) check('grad c0', g.dc0, fx.grads.c0.data);
      for (const [name] of parameterShapes(config)) check(`grad ${name}`, g.grads[name], fx.grads[name].data);
      if (fx.grad_x_norm_per_step) check('grad_x_norm_per_step', g.dxNorm, fx.grad_x_norm_per_step);
    });
  }
});

interface Case {
  label: string;
  config: RecurrentConfig;
  batch: number;
  steps: number;
  /** Multiplies x: 30 drives the gates into saturation. */
  xScale?: number;
}

function makeInputs(c: Case, seed: number) {
  const rng = new Random(seed);
  const { config, batch: B, steps: T } = c;
  const D = config.bidirectional ? 2 : 1;
  const S = config.numLayers * D * B * config.hiddenSize;
  const params = initParameters(config, rng);
  // Learned initial states start at zero; give them values so their gradients mean something.
  for (const [name, p] of Object.entries(params)) if (/^[hc]0_/.test(name)) p.set(rng.normalArray(p.length, 0.5));
  const learned = config.initialState === 'learned';
  return {
    params,
    x: rng.normalArray(B * T * config.inputSize, c.xScale ?? 1),
    h0: learned ? undefined : rng.normalArray(S, 0.5),
    c0: learned || config.cell !== 'lstm' ? undefined : rng.normalArray(S, 0.5),
    dy: rng.normalArray(B * T * D * config.hiddenSize),
    dhN: rng.normalArray(S),
    dcN: rng.normalArray(S),
  };
}

/** L = Σ y·dy + Σ h_n·dh_n + Σ c_n·dc_n, the fixtures' loss. */
function loss(c: Case, v: ReturnType<typeof makeInputs>): number {
  const f = recurrentForward(c.config, v.params, v.x, { batch: c.batch, h0: v.h0, c0: v.c0 });
  return dot(f.y, v.dy) + dot(f.hN, v.dhN) + (c.config.cell === 'lstm' ? dot(f.cN, v.dcN) : 0);
}

const cfg = (cell: CellKind, inputSize: number, hiddenSize: number, numLayers = 1, bidirectional = false, initialState: 'zeros' | 'learned' = 'zeros'): RecurrentConfig => ({
  cell,
  inputSize,
  hiddenSize,
  numLayers,
  bidirectional,
  initialState,
});

function gradCases(cell: CellKind): Case[] {
  return [
    { label: 'B=1 T=1 I=1 H=1', config: cfg(cell, 1, 1), batch: 1, steps: 1 },
    { label: 'B=3 T=7 I=5 H=7', config: cfg(cell, 5, 7), batch: 3, steps: 7 },
    { label: '2 layers B=2 T=5 I=3 H=4', config: cfg(cell, 3, 4, 2), batch: 2, steps: 5 },
    { label: '4 layers B=1 T=3 I=2 H=2', config: cfg(cell, 2, 2, 4), batch: 1, steps: 3 },
    { label: 'bidirectional 2 layers B=2 T=5 I=3 H=3', config: cfg(cell, 3, 3, 2, true), batch: 2, steps: 5 },
    { label: 'learned h0/c0, bidirectional B=3 T=4 I=2 H=3', config: cfg(cell, 2, 3, 1, true, 'learned'), batch: 3, steps: 4 },
    { label: 'extreme inputs |x|~30, B=2 T=6 I=3 H=4', config: cfg(cell, 3, 4, 2), batch: 2, steps: 6, xScale: 30 },
  ];
}

describe('recurrent backward equals central differences', () => {
  for (const cell of CELLS) {
    for (const c of gradCases(cell)) {
      it(`${cell}: ${c.label}`, () => {
        const v = makeInputs(c, 17);
        const fw = recurrentForward(c.config, v.params, v.x, { batch: c.batch, h0: v.h0, c0: v.c0 });
        for (const a of [fw.y, fw.hN, fw.cN]) expect(a.every(Number.isFinite)).toBe(true);
        const g = recurrentBackward(fw.cache, { dy: v.dy, dhN: v.dhN, dcN: cell === 'lstm' ? v.dcN : undefined });
        const f = () => loss(c, v);
        const check = (what: string, analytic: Float64Array, target: Float64Array) => {
          expect(analytic.every(Number.isFinite), `${what} finite`).toBe(true);
          const err = relErr(analytic, numericGrad(target, f));
          expect(err, `${cell} ${c.label} ${what} err=${err}`).toBeLessThanOrEqual(1e-6);
        };
        check('x', g.dx, v.x);
        if (v.h0) check('h0', g.dh0, v.h0);
        if (v.c0) check('c0', g.dc0, v.c0);
        for (const [name] of parameterShapes(c.config)) check(name, g.grads[name], v.params[name]);
      });
    }
  }

  it('stays finite for |x| up to 1e4', () => {
    for (const cell of CELLS) {
      const c: Case = { label: 'huge', config: cfg(cell, 3, 4, 2, true), batch: 2, steps: 5, xScale: 1e4 };
      const v = makeInputs(c, 3);
      const fw = recurrentForward(c.config, v.params, v.x, { batch: 2, h0: v.h0, c0: v.c0 });
      const g = recurrentBackward(fw.cache, { dy: v.dy, dhN: v.dhN, dcN: v.dcN });
      for (const a of [fw.y, fw.hN, fw.cN, g.dx, g.dh0, g.dc0, ...Object.values(g.grads)]) expect(a.every(Number.isFinite), cell).toBe(true);
    }
  });
});

describe('truncated BPTT', () => {
  const allGrads = (g: ReturnType<typeof recurrentBackward>): Record<string, Float64Array> => ({ dx: g.dx, dh0: g.dh0, dc0: g.dc0, ...g.grads });

  for (const cell of CELLS) {
    it(`${cell}: truncate >= T equals full BPTT`, () => {
      const c: Case = { label: '', config: cfg(cell, 3, 4, 2, true), batch: 2, steps: 6 };
      const v = makeInputs(c, 5);
      const fw = recurrentForward(c.config, v.params, v.x, { batch: 2, h0: v.h0, c0: v.c0 });
      const full = allGrads(recurrentBackward(fw.cache, { dy: v.dy, dhN: v.dhN, dcN: v.dcN }));
      for (const k of [6, 7, 100]) {
        const cut = allGrads(recurrentBackward(fw.cache, { dy: v.dy, dhN: v.dhN, dcN: v.dcN }, { truncate: k }));
        for (const [name, a] of Object.entries(full)) expect(Array.from(cut[name]), `${name} k=${k}`).toEqual(Array.from(a));
      }
    });

    for (const bidirectional of [false, true]) {
      it(`${cell}${bidirectional ? ' bidirectional' : ''}: truncate k < T equals the sum of per-chunk gradients with detached carried state`, () => {
        const B = 2;
        const T = 10;
        const k = 3; // chunks [0,3) [3,6) [6,9) [9,10)
        const H = 3;
        const L = 2;
        const c: Case = { label: '', config: cfg(cell, 2, H, L, bidirectional), batch: B, steps: T };
        const D = bidirectional ? 2 : 1;
        const { config } = c;
        const v = makeInputs(c, 9);
        const dcN = cell === 'lstm' ? v.dcN : undefined;
        const fw = recurrentForward(config, v.params, v.x, { batch: B, h0: v.h0, c0: v.c0 });
        const truncated = allGrads(recurrentBackward(fw.cache, { dy: v.dy, dhN: v.dhN, dcN }, { truncate: k }));
        const full = allGrads(recurrentBackward(fw.cache, { dy: v.dy, dhN: v.dhN, dcN }));
        expect(relErr(truncated.weight_hh_l0, full.weight_hh_l0), 'truncation changes the gradient').toBeGreaterThan(1e-6);

        // Each chunk on its own: the state entering it is the full run's state, detached (a plain input).
        const sum: Record<string, Float64Array> = Object.fromEntries(Object.entries(truncated).map(([n, a]) => [n, new Float64Array(a.length)]));
        const slice = (a: Float64Array, s: number, e: number, F: number) => {
          const out = new Float64Array(B * (e - s) * F);
          for (let b = 0; b < B; b++) out.set(a.subarray((b * T + s) * F, (b * T + e) * F), b * (e - s) * F);
          return out;
        };
        for (let s = 0; s < T; s += k) {
          const e = Math.min(T, s + k);
          const h0 = new Float64Array(L * D * B * H);
          const c0 = new Float64Array(L * D * B * H);
          const dhN = new Float64Array(L * D * B * H);
          const dcNc = new Float64Array(L * D * B * H);
          for (let l = 0; l < L; l++) {
            for (let d = 0; d < D; d++) {
              const row = (l * D + d) * B * H;
              const first = d === 0 ? s === 0 : e === T; // this chunk starts the direction's run
              const last = d === 0 ? e === T : s === 0; // this chunk ends it (h_n)
              const at = d === 0 ? s - 1 : e; // the time whose state enters the chunk
              for (let b = 0; b < B; b++) {
                for (let j = 0; j < H; j++) {
                  const i = row + b * H + j;
                  const lc = fw.cache.layers[l][d];
                  h0[i] = first ? v.h0![i] : lc.h[(b * T + at) * H + j];
                  c0[i] = first ? (v.c0?.[i] ?? 0) : cell === 'lstm' ? lc.c[(b * T + at) * H + j] : 0;
                  dhN[i] = last ? v.dhN[i] : 0;
                  dcNc[i] = last && dcN ? dcN[i] : 0;
                }
              }
            }
          }
          const part = recurrentForward(config, v.params, slice(v.x, s, e, config.inputSize), { batch: B, h0, c0: cell === 'lstm' ? c0 : undefined });
          expect(relErr(part.y, slice(fw.y, s, e, D * H))).toBeLessThanOrEqual(1e-15);
          const g = allGrads(recurrentBackward(part.cache, { dy: slice(v.dy, s, e, D * H), dhN, dcN: cell === 'lstm' ? dcNc : undefined }));
          for (const [n, a] of Object.entries(g)) {
            if (n === 'dx') {
              for (let b = 0; b < B; b++) for (let i = 0; i < (e - s) * config.inputSize; i++) sum.dx[(b * T + s) * config.inputSize + i] += a[b * (e - s) * config.inputSize + i];
            } else if (n === 'dh0' || n === 'dc0') {
              // The real initial states only get the gradient of the chunk that starts each direction.
              for (let l = 0; l < L; l++) {
                for (let d = 0; d < D; d++) {
                  if (!(d === 0 ? s === 0 : e === T)) continue;
                  const row = (l * D + d) * B * H;
                  for (let i = 0; i < B * H; i++) sum[n][row + i] += a[row + i];
                }
              }
            } else for (let i = 0; i < a.length; i++) sum[n][i] += a[i];
          }
        }
        for (const [n, a] of Object.entries(truncated)) {
          const err = relErr(a, sum[n]);
          expect(err, `${n} err=${err}`).toBeLessThanOrEqual(1e-12);
        }
      });
    }
  }
});

describe('per-step gradient norms and gate activations', () => {
  for (const cell of CELLS) {
    it(`${cell}: ‖∂L/∂h_t‖ is the gradient a run starting from h_t gives its initial state`, () => {
      const B = 3;
      const T = 6;
      const H = 4;
      const c: Case = { label: '', config: cfg(cell, 2, H), batch: B, steps: T };
      const v = makeInputs(c, 21);
      const dcN = cell === 'lstm' ? v.dcN : undefined;
      const fw = recurrentForward(c.config, v.params, v.x, { batch: B, h0: v.h0, c0: v.c0 });
      const g = recurrentBackward(fw.cache, { dy: v.dy, dhN: v.dhN, dcN });
      const lc = fw.cache.layers[0][0];
      const I = c.config.inputSize;
      for (let t = 0; t < T; t++) {
        // ∂L/∂h_t = dy_t + ∂(loss of steps t+1..T-1)/∂h_t, the latter from a run on the suffix.
        let total: Float64Array;
        if (t === T - 1) total = v.dhN.slice();
        else {
          const n = T - 1 - t;
          const sub = (a: Float64Array, F: number) => {
            const out = new Float64Array(B * n * F);
            for (let b = 0; b < B; b++) out.set(a.subarray((b * T + t + 1) * F, (b * T + T) * F), b * n * F);
            return out;
          };
          const state = (a: Float64Array) => {
            const out = new Float64Array(B * H);
            for (let b = 0; b < B; b++) out.set(a.subarray((b * T + t) * H, (b * T + t + 1) * H), b * H);
            return out;
          };
          const rest = recurrentForward(c.config, v.params, sub(v.x, I), { batch: B, h0: state(lc.h), c0: cell === 'lstm' ? state(lc.c) : undefined });
          total = recurrentBackward(rest.cache, { dy: sub(v.dy, H), dhN: v.dhN, dcN }).dh0;
        }
        let mean = 0;
        for (let b = 0; b < B; b++) {
          let sq = 0;
          for (let j = 0; j < H; j++) sq += (total[b * H + j] + v.dy[(b * T + t) * H + j]) ** 2;
          mean += Math.sqrt(sq) / B;
        }
        expect(Math.abs(g.dhNorm[0][0][t] - mean) / mean, `t=${t}`).toBeLessThanOrEqual(1e-12);
      }
      // ‖∂L/∂x_t‖: the batch mean of each item's norm.
      for (let t = 0; t < T; t++) {
        let mean = 0;
        for (let b = 0; b < B; b++) mean += Math.hypot(...g.dx.subarray((b * T + t) * I, (b * T + t + 1) * I)) / B;
        expect(g.dxNorm[t]).toBeCloseTo(mean, 14);
      }
    });

    it(`${cell}: gate traces reproduce the cell's update`, () => {
      const B = 2;
      const T = 5;
      const H = 3;
      const c: Case = { label: '', config: cfg(cell, 2, H, 1, true), batch: B, steps: T };
      const v = makeInputs(c, 4);
      const fw = recurrentForward(c.config, v.params, v.x, { batch: B, h0: v.h0, c0: v.c0 });
      for (const d of [0, 1]) {
        const tr = gateTraces(fw.cache.layers[0][d]);
        for (let b = 0; b < B; b++) {
          for (let t = 0; t < T; t++) {
            const prevT = d === 0 ? t - 1 : t + 1;
            const first = prevT < 0 || prevT >= T;
            for (let j = 0; j < H; j++) {
              const at = (b * T + t) * H + j;
              const prev = (b * T + prevT) * H + j;
              const hPrev = first ? v.h0![(d * B + b) * H + j] : tr.h[prev];
              expect(tr.h[at]).toBe(fw.y[(b * T + t) * 2 * H + d * H + j]);
              if (cell === 'lstm') {
                const cPrev = first ? v.c0![(d * B + b) * H + j] : tr.c[prev];
                expect(tr.c[at]).toBeCloseTo(tr.f[at] * cPrev + tr.i[at] * tr.g[at], 14);
                expect(tr.h[at]).toBeCloseTo(tr.o[at] * Math.tanh(tr.c[at]), 14);
              } else if (cell === 'gru') {
                expect(tr.h[at]).toBeCloseTo((1 - tr.z[at]) * tr.n[at] + tr.z[at] * hPrev, 14);
                for (const q of ['r', 'z']) expect(tr[q][at] > 0 && tr[q][at] < 1).toBe(true);
              }
            }
          }
        }
      }
    });
  }

  it('layer functions alone equal the model of one layer', () => {
    const config = cfg('lstm', 3, 4);
    const v = makeInputs({ label: '', config, batch: 2, steps: 5 }, 8);
    const dims = { batch: 2, steps: 5, inputSize: 3, hiddenSize: 4 };
    const lf = layerForward('lstm', layerParams(v.params, 0, 0), v.x, dims, v.h0, v.c0);
    const mf = recurrentForward(config, v.params, v.x, { batch: 2, h0: v.h0, c0: v.c0 });
    expect(Array.from(lf.y)).toEqual(Array.from(mf.y));
    const lg = layerBackward(lf.cache, v.dy, v.dhN, v.dcN);
    const mg = recurrentBackward(mf.cache, { dy: v.dy, dhN: v.dhN, dcN: v.dcN });
    expect(Array.from(lg.dWHh)).toEqual(Array.from(mg.grads.weight_hh_l0));
    expect(Array.from(lg.dx)).toEqual(Array.from(mg.dx));
  });
});

describe('parameters', () => {
  it('parameterShapes follows the PyTorch state_dict order', () => {
    expect(parameterShapes(cfg('lstm', 3, 5, 2, true))).toEqual([
      ['weight_ih_l0', [20, 3]],
      ['weight_hh_l0', [20, 5]],
      ['bias_ih_l0', [20]],
      ['bias_hh_l0', [20]],
      ['weight_ih_l0_reverse', [20, 3]],
      ['weight_hh_l0_reverse', [20, 5]],
      ['bias_ih_l0_reverse', [20]],
      ['bias_hh_l0_reverse', [20]],
      ['weight_ih_l1', [20, 10]],
      ['weight_hh_l1', [20, 5]],
      ['bias_ih_l1', [20]],
      ['bias_hh_l1', [20]],
      ['weight_ih_l1_reverse', [20, 10]],
      ['weight_hh_l1_reverse', [20, 5]],
      ['bias_ih_l1_reverse', [20]],
      ['bias_hh_l1_reverse', [20]],
    ]);
    expect(parameterShapes(cfg('gru', 2, 3)).map(([, s]) => s)).toEqual([[9, 2], [9, 3], [9], [9]]);
    expect(parameterShapes(cfg('rnn_tanh', 2, 3, 1, false, 'learned')).map(([n]) => n).slice(4)).toEqual(['h0_l0']);
  });

  it('initialises every parameter from U(-1/√H, 1/√H), reproducibly from the seed', () => {
    const config = cfg('gru', 4, 16, 3, true);
    const a: Params = initParameters(config, 42);
    const b = initParameters(config, new Random(42));
    const other = initParameters(config, 43);
    const bound = 1 / Math.sqrt(16);
    let lo = Infinity;
    let hi = -Infinity;
    for (const [name, shape] of parameterShapes(config)) {
      const p = a[name];
      expect(p.length).toBe(shape.reduce((x, y) => x * y, 1));
      expect(Array.from(p)).toEqual(Array.from(b[name]));
      expect(Array.from(p)).not.toEqual(Array.from(other[name]));
      for (const x of p) {
        lo = Math.min(lo, x);
        hi = Math.max(hi, x);
      }
    }
    expect(lo).toBeGreaterThanOrEqual(-bound);
    expect(hi).toBeLessThan(bound);
    expect(hi - lo).toBeGreaterThan(1.9 * bound);
  });
});
