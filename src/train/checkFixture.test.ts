// check:torch: every PyTorch fixture (recurrent models, selective scan, Mamba block, training runs)
// passes through the WGSL kernels, and so do fixtures of the same format at other sizes
// (bidirectional, stacked, T = 1, L < d_conv, d_state 1, extreme inputs), generated here from the
// float64 reference. The CLI prints PASS/FAIL and exits non-zero.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Random, toF32Values } from '../data/random';
import { useKernelContext } from '../kernels/testing';
import type { RecurrentSchedule } from '../kernels/recurrent';
import { parseFixture } from '../reference/fixtures';
import { randomScanCase } from '../reference/scanCases';
import { initMambaParams, mambaParameterShapes, type MambaConfig } from '../models/mambaParams';
import { mambaBackward, mambaForward, selectiveScan, selectiveScanBackward } from '../reference/mamba';
import { initRecurrentParameters as initParameters, recurrentParameterShapes as parameterShapes } from '../models/recurrentParams';
import { recurrentBackward, recurrentForward, type CellKind } from '../reference/recurrent';
import { checkFixture } from './checkFixture';
import { FIXTURES, MINRNN, fixtureNames } from '../reference/fixtures.testing';

const root = resolve(import.meta.dirname, '../..');
const SCHEDULES: RecurrentSchedule[] = ['persistent', 'stepwise'];
const dir = FIXTURES;
const files = fixtureNames(/^((train_)?(rnn_tanh|lstm|gru|mamba)|selective_scan|mamba_block)(_.*)?\.json$/);
const minDir = FIXTURES;
const minFiles = fixtureNames(MINRNN);

const { ctx } = useKernelContext();

describe('PyTorch fixtures through the WGSL kernels', () => {
  it('finds the recurrent, Mamba and training fixtures', () => {
    expect(files.length).toBeGreaterThanOrEqual(14);
    for (const kind of ['selective_scan', 'mamba_block', 'train_mamba']) expect(files.some((f) => f.startsWith(kind))).toBe(true);
    for (const kind of ['mingru', 'minlstm', 'train_mingru', 'train_minlstm']) expect(minFiles.some((f) => f.startsWith(kind)), kind).toBe(true);
  });
  for (const file of minFiles) {
    it(file, async () => {
      const r = await checkFixture(ctx, parseFixture(readFileSync(join(minDir, file), 'utf8'), file));
      expect(r.pass, `${file}: ${r.worst.tensor} err=${r.worst.err}`).toBe(true);
      expect(r.measures.length).toBeGreaterThan(3);
    });
  }
  for (const file of files) {
    // The recurrent models run in both GPU schedules; the default picks by size.
    const schedules = /^(train_)?(rnn_tanh|lstm|gru)/.test(file) ? SCHEDULES : [undefined];
    for (const schedule of schedules) {
      it(`${file}${schedule ? ` (${schedule})` : ''}`, async () => {
        const r = await checkFixture(ctx, parseFixture(readFileSync(join(dir, file), 'utf8'), file), { schedule });
        expect(r.pass, `${file}: ${r.worst.tensor} err=${r.worst.err}`).toBe(true);
        expect(r.measures.length).toBeGreaterThan(3);
      });
    }
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
  // Partial stepwise tiles on both axes: 17 rows (8 + 8 + 1), 65 units (64 + 1).
  { batch: 17, steps: 5, input: 3, hidden: 65, layers: 2, bidirectional: true, scale: 1 },
  // |x| up to 30 saturates every gate: the kernels must stay finite and still agree.
  { batch: 2, steps: 6, input: 3, hidden: 5, layers: 3, bidirectional: false, scale: 30 },
];

describe('fixtures of the same format at other sizes', () => {
  for (const cell of ['rnn_tanh', 'lstm', 'gru'] as const) {
    for (const schedule of SCHEDULES) {
      sizes.forEach((d, i) => {
        it(`${cell} ${schedule} B=${d.batch} T=${d.steps} I=${d.input} H=${d.hidden} L=${d.layers}${d.bidirectional ? ' bidirectional' : ''}${d.scale > 1 ? ' |x|≤30' : ''}`, async () => {
          const fx = parseFixture(makeFixture(cell, d, 100 + i), `${cell}_${i}.json`);
          const r = await checkFixture(ctx, fx, { schedule });
          expect(r.pass, `${r.worst.tensor} err=${r.worst.err}`).toBe(true);
        });
      });
    }
  }
});

const tensor = (shape: number[], data: ArrayLike<number>) => ({ shape, data: Array.from(data) });

type ScanDims = { batch: number; dInner: number; dState: number; seqLen: number; softplus: boolean };

/** A selective_scan fixture in the README's layout, computed by the float64 reference. */
function makeScanFixture(d: ScanDims, seed: number): string {
  const { batch, dInner: E, dState: N, seqLen: L } = d;
  const seq = [batch, E, L];
  const state = [batch, N, L];
  const { x, dy, dLast } = randomScanCase(new Random(seed), d, d.softplus ? [-3, 1] : [0.01, 0.5]);
  const sizes = { batch, dInner: E, dState: N, seqLen: L, deltaSoftplus: d.softplus };
  const out = selectiveScan(sizes, x);
  const g = selectiveScanBackward(sizes, x, dy, dLast);
  const shapes = { u: seq, delta: seq, A: [E, N], B: state, C: state, D: [E], z: seq, delta_bias: [E] };
  const values = { u: x.u, delta: x.delta, A: x.A, B: x.B, C: x.C, D: x.D, z: x.z, delta_bias: x.deltaBias };
  const grads = { u: g.u, delta: g.delta, A: g.A, B: g.B, C: g.C, D: g.D, z: g.z, delta_bias: g.deltaBias };
  const last = [batch, E, N];
  return JSON.stringify({
    name: `selective_scan_generated_${seed}`,
    kind: 'selective_scan',
    config: { batch, d_inner: E, d_state: N, seq_len: L, delta_softplus: d.softplus },
    inputs: Object.fromEntries(Object.entries(values).map(([k, v]) => [k, tensor(shapes[k as keyof typeof shapes], v)])),
    cotangents: { y: tensor(seq, dy), last_state: tensor(last, dLast) },
    outputs: { y: tensor(seq, out.y), last_state: tensor(last, out.lastState) },
    grads: Object.fromEntries(Object.entries(grads).map(([k, v]) => [k, tensor(shapes[k as keyof typeof shapes], v)])),
  });
}

type BlockDims = MambaConfig & { batch: number; seqLen: number; scale: number };

/** A mamba_block fixture (the block alone, its own parameter names), computed by the float64 reference. */
function makeBlockFixture(d: BlockDims, seed: number): string {
  const rng = new Random(seed);
  const p = initMambaParams(d, rng);
  // Spread Δ and A away from the initialisation so every path of the block carries weight.
  p['dt_proj.bias'] = rng.uniformArray(p['dt_proj.bias'].length, -3, 1);
  p.A_log = p.A_log.map((v) => v + rng.uniform(-0.5, 0.5));
  p.D = rng.uniformArray(p.D.length, -1, 1);
  for (const k of Object.keys(p) as Array<keyof typeof p>) p[k] = toF32Values(p[k]);
  const { batch, seqLen: L, dModel: M } = d;
  const x = toF32Values(rng.uniformArray(batch * L * M, -d.scale, d.scale));
  const dy = toF32Values(rng.uniformArray(batch * L * M, -1, 1));
  const y = mambaForward(d, p, x, batch, L).y;
  const g = mambaBackward(d, p, x, batch, L, dy);
  const shapes = Object.fromEntries(mambaParameterShapes(d));
  const io = [batch, L, M];
  return JSON.stringify({
    name: `mamba_block_generated_${seed}`,
    kind: 'mamba_block',
    config: { batch, seq_len: L, d_model: M, d_state: d.dState, d_conv: d.dConv, expand: d.expand, d_inner: d.expand * M, dt_rank: g.params['dt_proj.weight'].length / (d.expand * M) },
    inputs: { x: tensor(io, x) },
    params: Object.fromEntries(Object.entries(p).map(([k, v]) => [k, tensor(shapes[k], v)])),
    cotangents: { y: tensor(io, dy) },
    outputs: { y: tensor(io, y) },
    grads: { x: tensor(io, g.x), ...Object.fromEntries(Object.entries(g.params).map(([k, v]) => [k, tensor(shapes[k], v)])) },
  });
}

const scanSizes: ScanDims[] = [
  { batch: 1, dInner: 1, dState: 1, seqLen: 1, softplus: true },
  { batch: 2, dInner: 3, dState: 1, seqLen: 5, softplus: true },
  { batch: 3, dInner: 5, dState: 7, seqLen: 33, softplus: true },
  { batch: 1, dInner: 2, dState: 3, seqLen: 257, softplus: false },
];

const blockSizes: BlockDims[] = [
  { batch: 1, seqLen: 1, dModel: 3, dState: 1, dConv: 4, expand: 2, dtRank: 2, scale: 1 },
  { batch: 2, seqLen: 3, dModel: 5, dState: 2, dConv: 4, expand: 2, scale: 1 },
  { batch: 3, seqLen: 9, dModel: 17, dState: 4, dConv: 3, expand: 1, scale: 1 },
  { batch: 2, seqLen: 7, dModel: 2, dState: 3, dConv: 2, expand: 3, dtRank: 2, scale: 10 },
];

describe('Mamba fixtures of the same format at other sizes', () => {
  scanSizes.forEach((d, i) => {
    it(`selective_scan batch=${d.batch} d_inner=${d.dInner} d_state=${d.dState} L=${d.seqLen}${d.softplus ? '' : ' no softplus'}`, async () => {
      const r = await checkFixture(ctx, parseFixture(makeScanFixture(d, 200 + i), `selective_scan_${i}.json`));
      expect(r.pass, `${r.worst.tensor} err=${r.worst.err}`).toBe(true);
      expect(r.measures.length).toBe(10);
    });
  });
  blockSizes.forEach((d, i) => {
    it(`mamba_block B=${d.batch} L=${d.seqLen} d_model=${d.dModel} d_state=${d.dState} d_conv=${d.dConv} expand=${d.expand}${d.dtRank ? ` dt_rank=${d.dtRank}` : ''}${d.scale > 1 ? ` |x|≤${d.scale}` : ''}`, async () => {
      const r = await checkFixture(ctx, parseFixture(makeBlockFixture(d, 300 + i), `mamba_block_${i}.json`));
      expect(r.pass, `${r.worst.tensor} err=${r.worst.err}`).toBe(true);
      expect(r.measures.length).toBe(11);
    });
  });

  it('fails a mamba_block fixture with a wrong gradient, naming it', async () => {
    const fx = JSON.parse(makeBlockFixture(blockSizes[1], 310));
    fx.grads['conv1d.weight'].data[2] += 0.05;
    const r = await checkFixture(ctx, parseFixture(JSON.stringify(fx), 'wrong.json'));
    expect(r.pass).toBe(false);
    expect(r.worst.tensor).toBe('grad conv1d.weight');
  });

  it('refuses a mamba_block fixture whose shapes do not make a block', async () => {
    const fx = JSON.parse(makeBlockFixture(blockSizes[1], 311));
    fx.params['x_proj.weight'].shape = [fx.params['x_proj.weight'].shape[1], fx.params['x_proj.weight'].shape[0]];
    fx.grads['x_proj.weight'].shape = fx.params['x_proj.weight'].shape;
    await expect(checkFixture(ctx, parseFixture(JSON.stringify(fx), 'bad.json'))).rejects.toThrow(/bad\.json: params\.x_proj\.weight: shape/);
  });
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

  it('runs the recurrent models in the schedule asked for, and refuses one that does not exist', () => {
    const good = join(tmp, 'gru_generated.json');
    writeFileSync(good, makeFixture('gru', sizes[2], 10));
    const r = run('--schedule=stepwise', good);
    expect(r.stdout).toMatch(/^PASS gru_generated_10 \S+ err=/m);
    expect(r.status).toBe(0);
    const bad = run('--schedule=fast', good);
    expect(bad.stderr).toMatch(/--schedule=fast: the schedules are persistent and stepwise/);
    expect(bad.status).toBe(2);
  });

  it('runs on the CPU backend with --backend=cpu, and refuses a backend that does not exist', () => {
    const good = join(tmp, 'lstm_cpu.json');
    writeFileSync(good, makeFixture('lstm', sizes[2], 11));
    const r = run('--backend=cpu', good);
    expect(r.stderr).toMatch(/check:torch on CPU/);
    expect(r.stdout).toMatch(/^PASS lstm_generated_11 \S+ err=/m);
    expect(r.status).toBe(0);
    const fx = JSON.parse(makeFixture('lstm', sizes[2], 11));
    fx.grads.weight_ih_l0.data[0] += 0.05;
    writeFileSync(good, JSON.stringify(fx));
    const wrong = run('--backend=cpu', good);
    expect(wrong.stdout).toMatch(/^FAIL lstm_generated_11 grad_weight_ih_l0 err=/m);
    expect(wrong.status).toBe(1);
    const bad = run('--backend=tpu', good);
    expect(bad.stderr).toMatch(/--backend=tpu: the backends are webgpu and cpu/);
    expect(bad.status).toBe(2);
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
