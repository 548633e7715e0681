// check:torch: every PyTorch fixture of the recurrent models passes through the WGSL kernels, and
// so do fixtures of the same format at other sizes (bidirectional, stacked, T = 1, extreme
// inputs), generated here from the float64 reference. The CLI prints PASS/FAIL and exits non-zero.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Random, toF32Values } from '../data/random';
import type { Gpu } from '../gpu/device';
import { nodeGpu } from '../gpu/node';
import { kernelContext, type KernelContext } from '../kernels/registry';
import { parseFixture } from '../reference/fixtures';
import { initParameters, parameterShapes, recurrentBackward, recurrentForward, type CellKind } from '../reference/recurrent';
import { checkFixture } from './checkFixture';

const root = resolve(import.meta.dirname, '../..');
const dir = process.env.TIMESTEP_FIXTURES ?? resolve(root, '../shared/fixtures/torch');
const files = existsSync(dir) ? readdirSync(dir).filter((f) => /^(train_)?(rnn_tanh|lstm|gru)(_.*)?\.json$/.test(f)) : [];

let gpu: Gpu;
let ctx: KernelContext;
beforeAll(async () => {
  gpu = await nodeGpu();
  ctx = kernelContext(gpu.device);
});
afterAll(() => gpu?.device.destroy());

describe('PyTorch fixtures through the WGSL kernels', () => {
  it('finds the recurrent and training fixtures', () => expect(files.length).toBeGreaterThanOrEqual(10));
  for (const file of files) {
    it(file, async () => {
      const r = await checkFixture(ctx, parseFixture(readFileSync(join(dir, file), 'utf8'), file));
      expect(r.pass, `${file}: ${r.worst.tensor} err=${r.worst.err}`).toBe(true);
      expect(r.measures.length).toBeGreaterThan(3);
    });
  }
});

type Dims = { batch: number; steps: number; input: number; hidden: number; layers: number; bidirectional: boolean; scale: number };

/** A fixture in the README's format, computed by the float64 reference. */
function makeFixture(cell: CellKind, d: Dims, seed: number): string {
  const rng = new Random(seed);
  const config = { cell, inputSize: d.input, hiddenSize: d.hidden, numLayers: d.layers, bidirectional: d.bidirectional };
  const params = initParameters(config, rng);
  for (const k of Object.keys(params)) params[k] = toF32Values(params[k]);
  const D = d.bidirectional ? 2 : 1;
  const LBH = d.layers * D * d.batch * d.hidden;
  const x = toF32Values(rng.uniformArray(d.batch * d.steps * d.input, -d.scale, d.scale));
  const h0 = toF32Values(rng.uniformArray(LBH, -1, 1));
  const c0 = toF32Values(rng.uniformArray(LBH, -1, 1));
  const fwd = recurrentForward(config, params, x, { batch: d.batch, h0, c0: cell === 'lstm' ? c0 : undefined });
  const dy = toF32Values(rng.uniformArray(fwd.y.length, -1, 1));
  const dhN = toF32Values(rng.uniformArray(LBH, -1, 1));
  const dcN = toF32Values(rng.uniformArray(LBH, -1, 1));
  const g = recurrentBackward(fwd.cache, { dy, dhN, dcN: cell === 'lstm' ? dcN : undefined });
  const t = (shape: number[], data: ArrayLike<number>) => ({ shape, data: Array.from(data) });
  const state = [d.layers * D, d.batch, d.hidden];
  const shapes = Object.fromEntries(parameterShapes(config));
  const lstm = cell === 'lstm';
  return JSON.stringify({
    name: `${cell}_generated_${seed}`,
    kind: cell,
    config: { batch: d.batch, seq_len: d.steps, input_size: d.input, hidden_size: d.hidden, num_layers: d.layers, bidirectional: d.bidirectional, batch_first: true },
    inputs: { x: t([d.batch, d.steps, d.input], x), h0: t(state, h0), ...(lstm ? { c0: t(state, c0) } : {}) },
    params: Object.fromEntries(Object.entries(params).map(([k, v]) => [k, t(shapes[k], v)])),
    cotangents: { y: t([d.batch, d.steps, D * d.hidden], dy), h_n: t(state, dhN), ...(lstm ? { c_n: t(state, dcN) } : {}) },
    outputs: { y: t([d.batch, d.steps, D * d.hidden], fwd.y), h_n: t(state, fwd.hN), ...(lstm ? { c_n: t(state, fwd.cN) } : {}) },
    grads: {
      x: t([d.batch, d.steps, d.input], g.dx),
      h0: t(state, g.dh0),
      ...(lstm ? { c0: t(state, g.dc0) } : {}),
      ...Object.fromEntries(Object.entries(g.grads).map(([k, v]) => [k, t(shapes[k], v)])),
    },
  });
}

const sizes: Dims[] = [
  { batch: 1, steps: 1, input: 1, hidden: 1, layers: 1, bidirectional: false, scale: 1 },
  { batch: 3, steps: 9, input: 5, hidden: 7, layers: 2, bidirectional: true, scale: 1 },
  { batch: 2, steps: 33, input: 3, hidden: 33, layers: 1, bidirectional: true, scale: 1 },
  { batch: 5, steps: 4, input: 2, hidden: 257, layers: 1, bidirectional: false, scale: 1 },
  // |x| up to 30 saturates every gate: the kernels must stay finite and still agree.
  { batch: 2, steps: 6, input: 3, hidden: 5, layers: 3, bidirectional: false, scale: 30 },
];

describe('fixtures of the same format at other sizes', () => {
  for (const cell of ['rnn_tanh', 'lstm', 'gru'] as const) {
    sizes.forEach((d, i) => {
      it(`${cell} B=${d.batch} T=${d.steps} I=${d.input} H=${d.hidden} L=${d.layers}${d.bidirectional ? ' bidirectional' : ''}${d.scale > 1 ? ' |x|≤30' : ''}`, async () => {
        const fx = parseFixture(makeFixture(cell, d, 100 + i), `${cell}_${i}.json`);
        const r = await checkFixture(ctx, fx);
        expect(r.pass, `${r.worst.tensor} err=${r.worst.err}`).toBe(true);
      });
    });
  }
});

describe('npm run check:torch', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'check-torch-'));
  const run = (...args: string[]) => spawnSync('node', [join(root, '.build/check-torch.mjs'), ...args], { encoding: 'utf8', env: process.env });
  beforeAll(() => {
    const b = spawnSync('node', [join(root, 'scripts/bundle-node.mjs'), join(root, 'scripts/check-torch.ts')], { encoding: 'utf8' });
    expect(b.status, b.stderr).toBe(0);
  });

  it('prints PASS for a good file and exits 0', () => {
    const good = join(tmp, 'lstm_generated.json');
    writeFileSync(good, makeFixture('lstm', sizes[1], 7));
    const r = run(good);
    expect(r.stdout).toMatch(/^PASS lstm_generated_7 \S+ err=\d\.\d\de-\d+$/m);
    expect(r.status).toBe(0);
  });

  it('prints FAIL for a wrong reference value and exits 1', () => {
    const fx = JSON.parse(makeFixture('gru', sizes[1], 8));
    fx.grads.weight_hh_l1.data[3] += 0.05;
    const bad = join(tmp, 'gru_wrong.json');
    writeFileSync(bad, JSON.stringify(fx));
    const r = run(bad);
    expect(r.stdout).toMatch(/^FAIL gru_generated_8 grad_weight_hh_l1 err=/m);
    expect(r.status).toBe(1);
  });

  it('says clearly when a file cannot be read, and exits 1', () => {
    const broken = join(tmp, 'broken.json');
    writeFileSync(broken, '{"name": "x", "kind": "lstm", ');
    const fx = JSON.parse(makeFixture('rnn_tanh', sizes[0], 9));
    fx.params.weight_hh_l0.data.pop();
    const short = join(tmp, 'short.json');
    writeFileSync(short, JSON.stringify(fx));
    const r = run(broken, short, join(tmp, 'missing.json'));
    expect(r.stdout).toMatch(/^FAIL broken - err=unreadable$/m);
    expect(r.stderr).toMatch(/broken\.json: invalid JSON/);
    expect(r.stderr).toMatch(/short\.json: params\.weight_hh_l0: 0 values for shape \[1,1\] \(1\)/);
    expect(r.stderr).toMatch(/missing\.json.*(ENOENT|no such file)/);
    expect(r.status).toBe(1);
  });
});
