// Export to PyTorch end to end: runs trained a few steps (every model kind; tables,
// many-to-one sequences, an encoder-decoder task, text-like tokens), exported, unzipped by Python's
// zipfile, then train.py in Debian's PyTorch: the validation loss equals the page's, training on
// lowers it, torchrun with two processes runs, and the weights it writes load back into the model.
// Skipped where the tests' Python (scripts/python.testing.ts) cannot import torch; a failure under CI.

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { needPython, PYTHON } from '../../scripts/python.testing';
import { chunk, defaultChoice, generateBuiltin, type Dataset } from '../data';
import { useKernelContext } from '../kernels/testing';
import { readSafetensors, tensorToFloat32 } from '../train/safetensors';
import { parseWeightsFile } from '../train/weights';
import type { ModelSlot, RunConfig } from '../worker/protocol';
import { Session } from '../worker/session';
import { run, slot } from '../worker/testing';

// About the export, not WebGPU: on the CPU backend in every pass (the kernels' own tests compare the two).
const { ctx } = useKernelContext('cpu');
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Runs a command in the export's folder; its output, or a failure that shows it. */
function sh(dir: string, args: string[], env: NodeJS.ProcessEnv = {}): string {
  const r = spawnSync(args[0], args.slice(1), { cwd: dir, encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '1', ...env }, timeout: 120_000 });
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

const lossesIn = (out: string) => [...out.matchAll(/validation loss (?:after )?([-0-9.eE+]+)/g)].map((m) => Number(m[1]));

/** Trains `steps` windows of one model, exports it, unzips it; the session stays open for more. */
async function exported(dataset: Dataset, model: ModelSlot, over: Partial<RunConfig['training']>, steps: number, data = defaultChoice(dataset)) {
  const session = new Session(ctx, () => {});
  session.setDataset(dataset);
  await session.configure(run([model], { batch: 4, seqLen: 12, ...over }, data));
  for (let k = 0; k < steps; k++) await session.stepOnce();
  const zip = await session.requests.exportPytorch(model.id, model.kind);
  const dir = mkdtempSync(join(tmpdir(), 'timestep-export-'));
  dirs.push(dir);
  writeFileSync(join(dir, zip.fileName), new Uint8Array(zip.bytes));
  execFileSync(PYTHON, ['-c', `import zipfile, sys; z = zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None; z.extractall(sys.argv[2])`, join(dir, zip.fileName), dir]);
  const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
  return { session, dir, config, fileName: zip.fileName, step: zip.step };
}

/** train.py --evaluate prints the page's validation loss, to 1e-4 relative. */
function expectSameValidation(dir: string, expected: number): void {
  const [loss] = lossesIn(sh(dir, [PYTHON, 'train.py', '--evaluate']));
  expect(Math.abs(loss - expected) / Math.abs(expected)).toBeLessThan(1e-4);
}

/** The weights train.py wrote load back into the model the session trains. */
function expectLoadsBack(session: Session, dir: string, modelId: string): void {
  const m = session.modelRuns.find((x) => x.slot.id === modelId)!;
  const values = parseWeightsFile('weights.safetensors', readFileSync(join(dir, 'weights.safetensors')), m.trainer.layout, m.trainer.cfg.model);
  expect(Object.keys(values).sort()).toEqual(m.trainer.layout.fields.map((f) => f.name).sort());
}

describe('export to PyTorch', () => {
  beforeEach((test) => needPython(test, 'torch'));
  const sines = generateBuiltin('sine-mix', { length: 400, channels: 2 }, 1);

  it('an LSTM on a table: the same validation loss, training lowers it, torchrun runs, the weights load back', async () => {
    const { session, dir, config, fileName } = await exported(sines, slot('a', 'lstm', { hidden: 8 }), {}, 3);
    expect(fileName).toMatch(/^timestep-.*-lstm\.zip$/);
    expect(config.data.kind).toBe('windows');
    expect(config.data.normalization.kind).toBe('zscore');
    expectSameValidation(dir, config.expected_validation_loss);
    const [before, after] = lossesIn(sh(dir, [PYTHON, 'train.py', '--steps', '20']));
    expect(after).toBeLessThan(before);
    // Debian's torch 1.13 on Python 3.11 cannot read torchrun's default "--redirects 0" (an IntFlag
    // of value 0 no longer iterates): naming a stream works around it.
    const ddp = sh(dir, [PYTHON, '-m', 'torch.distributed.run', '--redirects', '1', '--tee', '1', '--nproc_per_node=2', 'train.py', '--steps', '3']);
    expect(ddp).toMatch(/wrote .*weights\.safetensors and optimizer\.safetensors/);
    // It carried on from the page's optimizer state, and wrote it back for the next run.
    expect(ddp).toMatch(/optimizer state from optimizer\.safetensors/);
    expect(readSafetensors(new Uint8Array(readFileSync(join(dir, 'optimizer.safetensors'))), 'optimizer.safetensors').metadata).toMatchObject({ kind: 'adam', step: String(3 + 20 + 3) });
    expectLoadsBack(session, dir, 'a');
    session.destroy();
  }, 300_000);

  it('a GRU, two layers with a learned initial state, on the adding problem (many-to-one)', async () => {
    const adding = generateBuiltin('adding', { length: 12, count: 64 }, 2);
    const { session, dir, config } = await exported(adding, slot('g', 'gru', { hidden: 8, layers: 2, initialState: 'learned' }), {}, 3);
    expect(config.data.kind).toBe('samples');
    expectSameValidation(dir, config.expected_validation_loss);
    const [before, after] = lossesIn(sh(dir, [PYTHON, 'train.py', '--steps', '20']));
    expect(after).toBeLessThan(before);
    expectLoadsBack(session, dir, 'g');
    session.destroy();
  }, 300_000);

  it('a bidirectional tanh RNN, and a GRU under truncated BPTT', async () => {
    const bi = await exported(sines, slot('r', 'rnn_tanh', { hidden: 8, bidirectional: true }), {}, 2);
    expectSameValidation(bi.dir, bi.config.expected_validation_loss);
    bi.session.destroy();
    const tbptt = await exported(sines, slot('t', 'gru', { hidden: 8 }), { tbptt: 4 }, 2);
    expect(tbptt.config.training).toMatchObject({ window: 12, tbptt: 4 });
    expectSameValidation(tbptt.dir, tbptt.config.expected_validation_loss);
    sh(tbptt.dir, [PYTHON, 'train.py', '--steps', '2']);
    expectLoadsBack(tbptt.session, tbptt.dir, 't');
    tbptt.session.destroy();
  }, 300_000);

  it('Mamba, two layers: the same validation loss, training lowers it, the weights load back', async () => {
    const { session, dir, config } = await exported(sines, slot('m', 'mamba', { hidden: 8, dState: 4, layers: 2 }), {}, 3);
    expectSameValidation(dir, config.expected_validation_loss);
    const [before, after] = lossesIn(sh(dir, [PYTHON, 'train.py', '--steps', '20']));
    expect(after).toBeLessThan(before);
    expectLoadsBack(session, dir, 'm');
    session.destroy();
  }, 300_000);

  it('minGRU with a learned initial state, and minLSTM of two layers under truncated BPTT', async () => {
    const gru = await exported(sines, slot('n', 'mingru', { hidden: 8, initialState: 'learned' }), {}, 3);
    expectSameValidation(gru.dir, gru.config.expected_validation_loss);
    const [before, after] = lossesIn(sh(gru.dir, [PYTHON, 'train.py', '--steps', '20']));
    expect(after).toBeLessThan(before);
    expectLoadsBack(gru.session, gru.dir, 'n');
    gru.session.destroy();
    const lstm = await exported(sines, slot('l', 'minlstm', { hidden: 8, layers: 2 }), { tbptt: 4 }, 2);
    expectSameValidation(lstm.dir, lstm.config.expected_validation_loss);
    lstm.session.destroy();
  }, 300_000);

  it('an LSTM encoder-decoder reversing digits (cross-entropy, source steps ignored), and an LSTM on melodies (tokens)', async () => {
    const digits = generateBuiltin('digits', { mode: 'reverse', length: 5, count: 64 }, 1);
    const s2s = await exported(digits, slot('e', 'lstm', { hidden: 8, initialState: 'learned' }), { seqLen: 5, batch: 16 }, 3);
    expect(s2s.config.model.kind).toBe('seq2seq');
    expectSameValidation(s2s.dir, s2s.config.expected_validation_loss);
    const [before, after] = lossesIn(sh(s2s.dir, [PYTHON, 'train.py', '--steps', '40']));
    expect(after).toBeLessThan(before);
    expectLoadsBack(s2s.session, s2s.dir, 'e');
    s2s.session.destroy();
    const tunes = await exported(generateBuiltin('melodies', {}, 1), slot('t', 'lstm', { hidden: 8 }), {}, 2);
    expect(tunes.config.data.kind).toBe('tokens');
    expectSameValidation(tunes.dir, tunes.config.expected_validation_loss);
    tunes.session.destroy();
  }, 300_000);

  // k more steps on the validation batch, in the page and in train.py's own step (train_chunk)
  // from the exported weights and optimizer state: the same parameters, to float32 rounding; and
  // far from the parameters a fresh optimizer reaches, so the state is what makes them agree.
  const CONTINUE = `
import sys, torch
sys.path.insert(0, ".")
import json, train
from _st import load_file, save_file
from model import build_model
cfg = json.load(open("config.json"))
samples = train.Samples(load_file("data.safetensors")[0], cfg["data"])
x, y = samples.validation()
for name, fresh in (("carried", False), ("fresh", True)):
    model = build_model()
    model.load_state_dict(load_file("weights.safetensors")[0])
    opt = train.make_optimizer(model.parameters(), cfg["training"]["optimizer"])
    if not fresh:
        assert train.load_optimizer_state(opt, model, "optimizer.safetensors") == int(sys.argv[2])
    for _ in range(int(sys.argv[1])):
        train.train_chunk(model, model, opt, x, y, None, cfg["head"], cfg["training"]["clip"])
    save_file({k: v.float() for k, v in model.state_dict().items()}, name + ".safetensors")
`;

  for (const optimizer of ['adam', 'sgd'] as const) {
    it(`${optimizer}: continuing k steps in PyTorch from the exported optimizer state matches k more steps in the page`, async () => {
      const k = 4;
      const { session, dir } = await exported(sines, slot('a', 'lstm', { hidden: 8 }), { optimizer, lr: optimizer === 'adam' ? 0.01 : 0.05 }, 3);
      const m = session.modelRuns[0];
      const source = session.batchSource!;
      const batch = session.runConfig!.training.batch;
      const { x, y } = chunk(source, source.validation(batch)!, batch, 0, source.seqLen);
      const start = await m.trainer.readParams();
      for (let i = 0; i < k; i++) {
        m.trainer.setBatch(x, y);
        m.trainer.step();
      }
      await m.trainer.idle();
      const page = await m.trainer.readParams();
      sh(dir, [PYTHON, '-c', CONTINUE, String(k), String(m.trainer.optimizer.stepCount - k)]);
      const read = (file: string) => {
        const tensors = readSafetensors(new Uint8Array(readFileSync(join(dir, file))), file).tensors;
        return Object.fromEntries(tensors.map((t) => [t.name, tensorToFloat32(t, file)]));
      };
      const [carried, fresh] = [read('carried.safetensors'), read('fresh.safetensors')];
      let worst = 0;
      let freshWorst = 0;
      let moved = 0;
      for (const f of m.trainer.layout.fields) {
        const [a, b] = [carried[f.name], fresh[f.name]];
        for (let i = 0; i < f.size; i++) {
          worst = Math.max(worst, Math.abs(a[i] - page[f.name][i]));
          freshWorst = Math.max(freshWorst, Math.abs(b[i] - page[f.name][i]));
          moved = Math.max(moved, Math.abs(page[f.name][i] - start[f.name][i]));
        }
      }
      // Tolerance: float32 rounding of a few steps (measured 6e-8 for Adam, 3e-8 for SGD; parameters of order 0.1-1).
      expect(worst).toBeLessThan(1e-6);
      expect(moved).toBeGreaterThan(1e-3);
      expect(freshWorst).toBeGreaterThan(100 * Math.max(worst, 1e-7));
      session.destroy();
    }, 300_000);
  }
});
