// The float64 minGRU / minLSTM reference: against every minGRU / minLSTM PyTorch fixture of test-data/torch
// (gradient cases and training runs), by central differences at odd sizes and extreme values, and
// its parallel form against the sequential recurrence.

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Random } from '../data/random';
import { relErr } from './compare';
import { dataOf, type Fixture, type TensorMap } from './fixtureFormat';
import { initMinRnnParameters, linearRecurrence, minRnnBackward, minRnnForward, minRnnParameterShapes, scanPairs, type Candidate, type MinCell, type MinRnnConfig, type Params } from './minrnn';
import { minRnnSetup, replayMinRnnTraining } from './minrnnFixtures';
import { numericGrad } from './numericGrad';
import { FIXTURES, MINRNN, fixtureNames } from './fixtures.testing';

const dir = FIXTURES;
const files = fixtureNames(MINRNN);

/**
 * A fixture read without the registry's validation (src/reference/fixtures.ts, whose kinds come
 * from the families): the maths here is checked whether or not a GPU family answers for the kind.
 */
function readFixture(file: string): Fixture {
  const json = JSON.parse(readFileSync(resolve(dir, file), 'utf8')) as Record<string, unknown>;
  const group = (key: string): TensorMap =>
    Object.fromEntries(Object.entries((json[key] ?? {}) as Record<string, { shape: number[]; data: number[] }>).map(([n, t]) => [n, { shape: t.shape, data: Float64Array.from(t.data) }]));
  return {
    file,
    name: json.name as string,
    kind: json.kind as string,
    config: json.config as Record<string, unknown>,
    inputs: group('inputs'),
    params: group('params'),
    cotangents: group('cotangents'),
    outputs: group('outputs'),
    grads: group('grads'),
    losses: json.losses as number[] | undefined,
    grad_norms_before_clip: json.grad_norms_before_clip as number[] | undefined,
    final_params: json.final_params ? group('final_params') : undefined,
    extra: {},
  };
}

describe('minGRU / minLSTM reference matches the PyTorch fixtures', () => {
  it('finds them, gradient cases and training runs of both cells', () => {
    expect(files.length, `no fixtures in ${dir}`).toBeGreaterThan(0);
    for (const prefix of ['mingru_', 'minlstm_', 'train_mingru', 'train_minlstm']) expect(files.some((f) => f.startsWith(prefix)), prefix).toBe(true);
  });

  for (const file of files) {
    it(file, () => {
      const fx = readFixture(file);
      if (fx.kind.startsWith('train_')) {
        const run = replayMinRnnTraining(fx);
        expect(run.losses.length).toBe(fx.losses!.length);
        run.losses.forEach((loss, k) => expect(Math.abs(loss - fx.losses![k]) / Math.abs(fx.losses![k]), `loss ${k}`).toBeLessThanOrEqual(1e-4));
        run.gradNorms.forEach((n, k) => expect(Math.abs(n - fx.grad_norms_before_clip![k]) / fx.grad_norms_before_clip![k], `grad norm ${k}`).toBeLessThanOrEqual(1e-4));
        for (const [name, t] of Object.entries(fx.final_params!)) expect(relErr(run.finalParams[name], t.data), `final ${name}`).toBeLessThanOrEqual(1e-3);
        return;
      }
      const { config, batch } = minRnnSetup(fx);
      const fw = minRnnForward(config, dataOf(fx.params), fx.inputs.x.data, { batch, h0: fx.inputs.h0?.data });
      const g = minRnnBackward(fw.cache, { dy: fx.cotangents.y?.data, dhN: fx.cotangents.h_n?.data });
      const check = (what: string, got: ArrayLike<number>, want: ArrayLike<number>) => expect(relErr(got, want), `${file} ${what}`).toBeLessThanOrEqual(1e-9);
      check('y', fw.y, fx.outputs.y.data);
      check('h_n', fw.hN, fx.outputs.h_n.data);
      check('grad x', g.dx, fx.grads.x.data);
      if (fx.grads.h0) check('grad h0', g.dh0, fx.grads.h0.data);
      for (const [name] of minRnnParameterShapes(config)) check(`grad ${name}`, g.grads[name], fx.grads[name].data);
    });
  }
});

const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};

interface Case {
  cell: MinCell;
  candidate: Candidate;
  B: number;
  T: number;
  I: number;
  H: number;
  L: number;
  learned: boolean;
  /** Weights and biases scaled so that pre-activations reach about ±scale. */
  scale: number;
}

function gradCheck(c: Case): void {
  const cfg: MinRnnConfig = { cell: c.cell, inputSize: c.I, hiddenSize: c.H, numLayers: c.L, candidate: c.candidate, initialState: c.learned ? 'learned' : 'zeros' };
  const rng = new Random(c.B * 100 + c.T * 10 + c.H);
  const params: Params = initMinRnnParameters(cfg, rng);
  for (const [name, p] of Object.entries(params)) {
    // Learned initial states start at zero; give them values so their gradient is not trivial.
    if (name.startsWith('h0_')) p.set(rng.uniformArray(p.length, -1, 1));
    else for (let i = 0; i < p.length; i++) p[i] *= c.scale * Math.sqrt(c.H) / Math.max(1, Math.sqrt(c.I));
  }
  const x = rng.uniformArray(c.B * c.T * c.I, -1, 1);
  const h0 = rng.uniformArray(c.L * c.B * c.H, -2, 2);
  const dy = rng.uniformArray(c.B * c.T * c.H, -1, 1);
  const dhN = rng.uniformArray(c.L * c.B * c.H, -1, 1);
  const loss = () => {
    const fw = minRnnForward(cfg, params, x, { batch: c.B, h0 });
    return dot(fw.y, dy) + dot(fw.hN, dhN);
  };
  const fw = minRnnForward(cfg, params, x, { batch: c.B, h0 });
  const g = minRnnBackward(fw.cache, { dy, dhN });
  const close = (what: string, got: Float64Array, want: Float64Array) => {
    const err = relErr(got, want);
    expect(err, `${what}: err ${err}`).toBeLessThanOrEqual(1e-6);
  };
  close('x', g.dx, numericGrad(x, loss));
  if (!c.learned) close('h0', g.dh0, numericGrad(h0, loss));
  for (const [name] of minRnnParameterShapes(cfg)) close(name, g.grads[name], numericGrad(params[name], loss));
}

describe('backward by central differences', () => {
  const cases: Case[] = [];
  for (const cell of ['mingru', 'minlstm'] as const) {
    for (const candidate of ['g', 'identity'] as const) {
      cases.push({ cell, candidate, B: 3, T: 7, I: 5, H: 3, L: 2, learned: false, scale: 1 });
      cases.push({ cell, candidate, B: 1, T: 1, I: 1, H: 1, L: 1, learned: false, scale: 1 });
      cases.push({ cell, candidate, B: 2, T: 9, I: 3, H: 7, L: 1, learned: false, scale: 30 });
      cases.push({ cell, candidate, B: 2, T: 5, I: 2, H: 5, L: 3, learned: true, scale: 2 });
    }
  }
  for (const c of cases) {
    it(`${c.cell} c=${c.candidate} B${c.B} T${c.T} I${c.I} H${c.H} L${c.L}${c.learned ? ' learned h0' : ''} scale ${c.scale}`, () => gradCheck(c));
  }

  it('reaches the extreme range it claims (|pre-activation| up to about 30)', () => {
    const cfg: MinRnnConfig = { cell: 'minlstm', inputSize: 3, hiddenSize: 7, numLayers: 1, candidate: 'g' };
    const rng = new Random(2 * 100 + 9 * 10 + 7);
    const p = initMinRnnParameters(cfg, rng);
    const w = p.weight_ih_l0.map((v) => v * 30 * Math.sqrt(7) / Math.sqrt(3));
    const x = rng.uniformArray(2 * 9 * 3, -1, 1);
    let most = 0;
    for (let r = 0; r < 18; r++) for (let o = 0; o < 21; o++) {
      let s = 0;
      for (let k = 0; k < 3; k++) s += w[o * 3 + k] * x[r * 3 + k];
      most = Math.max(most, Math.abs(s));
    }
    expect(most).toBeGreaterThan(15);
  });
});

describe('the parallel form', () => {
  it('composing steps as pairs gives the sequential recurrence', () => {
    for (const [T, C] of [[1, 3], [2, 1], [33, 5], [300, 2]]) {
      const rng = new Random(T + C);
      const a = rng.uniformArray(T * C, 0, 1);
      const b = rng.uniformArray(T * C, -1, 1);
      const h0 = rng.uniformArray(C, -1, 1);
      expect(relErr(scanPairs(a, b, h0, T, C), linearRecurrence(a, b, h0, T, C))).toBeLessThanOrEqual(1e-12);
    }
  });
});
