// The run's own backend probe: when it times (a software adapter and no remembered choice: both
// backends; the CPU backend: itself), what it offers (only a clearly faster other backend, never a
// switch), that a shape timed once is not timed again, and that it runs in the owner's queue,
// never beside the run's steps. The timing is faked where the decision is under test; timeSteps
// itself runs for real on the CPU backend.

import { afterAll, describe, expect, it } from 'vitest';
import { defaultChoice, generateBuiltin } from '../data';
import { AUTO_SHAPE } from '../data/shape';
import type { Gpu, GpuInfo } from '../gpu/device';
import { acquireCpu } from '../kernels/cpu';
import { kernelContext, type KernelContext } from '../kernels/registry';
import { defaultOptimizer } from '../train/optimizers';
import type { TrainerConfig } from '../train/trainer';
import type { BackendChoice } from './backend';
import { timeSteps, type StepTiming, type TimedModel } from './backendProbe';
import { RunOwner } from './owner';
import type { FromWorker, RunConfig, ToWorker } from './protocol';
import { decideOffer, describeRun, OFFER_RATIO, probePlan, PROBE_OPTIONS, shapeKey, type RunProbeReport } from './runProbe';
import type { Session } from './session';
import { run, slot } from './testing';

const info = (over: Partial<GpuInfo>): GpuInfo => ({ ...acquireCpu().info, ...over });

describe('probePlan', () => {
  const software: Partial<GpuInfo> = { backend: 'webgpu', isFallback: true, alternative: 'cpu' };
  const cpuAfterProbe: Partial<GpuInfo> = { backend: 'cpu', alternative: 'webgpu', probe: { webgpuMs: 90, cpuMs: 20, what: 'x' } };
  it('times both backends only on a software adapter with no remembered choice', () => {
    expect(probePlan('auto', info(software))).toBe('both');
    expect(probePlan('auto', info(cpuAfterProbe))).toBe('both');
    // A start-up probe that failed leaves no timings, but the adapter is still a software one.
    expect(probePlan('auto', info({ ...software, probe: undefined }))).toBe('both');
  });
  it('times only the CPU backend (its comfortable sizes) where the page chose, or there is no other', () => {
    expect(probePlan('cpu', info(cpuAfterProbe))).toBe('current');
    expect(probePlan('auto', info({ backend: 'cpu', cpuReason: 'This browser has no WebGPU.' }))).toBe('current');
    expect(probePlan('auto', info({ backend: 'cpu', alternative: 'webgpu' }))).toBe('current');
  });
  it('times nothing on WebGPU chosen by the page, or on a hardware adapter', () => {
    expect(probePlan('webgpu', info(software))).toBe('none');
    expect(probePlan('auto', info({ backend: 'webgpu', isFallback: false }))).toBe('none');
  });
});

describe('decideOffer', () => {
  const t = (ms: number, capped = false): StepTiming => ({ ms, capped });
  it('offers a backend faster by more than the ratio, and not a near tie', () => {
    expect(OFFER_RATIO).toBe(1.25);
    expect(decideOffer(t(37.5), t(29.9))).toBe(true);
    expect(decideOffer(t(37.5), t(30))).toBe(false); // exactly 1.25x: not clearly faster
    expect(decideOffer(t(13), t(11))).toBe(false);
    expect(decideOffer(t(11), t(13))).toBe(false);
    expect(decideOffer(t(3), t(1), 4)).toBe(false);
  });
  it('never offers a capped backend; a capped current loses to an uncapped faster one', () => {
    expect(decideOffer(t(50), t(2500, true))).toBe(false);
    expect(decideOffer(t(2100, true), t(2400, true))).toBe(false);
    expect(decideOffer(t(2100, true), t(700))).toBe(true);
    expect(decideOffer(t(2100, true), t(1900))).toBe(false);
  });
  it('offers nothing on nonsense timings', () => {
    expect(decideOffer(t(NaN), t(1))).toBe(false);
    expect(decideOffer(t(10), t(NaN))).toBe(false);
    expect(decideOffer(t(10), t(0))).toBe(false);
    expect(decideOffer(t(Infinity), t(1))).toBe(false);
  });
});

describe('what is timed', () => {
  it('says the models, the batch and the steps', () => {
    expect(describeRun(['LSTM 32', 'GRU 32'], 16, 32)).toBe('LSTM 32 + GRU 32, batch 16 × 32 steps');
  });
  it('a shape is its sizes and kinds, batch and steps', () => {
    const s = { slots: [slot('a', 'lstm', { hidden: 7 })], batch: 3, seqLen: 11, inputSize: 2, outputSize: 2, task: 'many-to-many' };
    expect(shapeKey(s)).toBe(shapeKey({ ...s, slots: [slot('b', 'lstm', { hidden: 7, forgetBias: 1 })] }));
    for (const other of [{ ...s, batch: 4 }, { ...s, seqLen: 12 }, { ...s, slots: [slot('a', 'gru', { hidden: 7 })] }, { ...s, slots: [slot('a', 'lstm', { hidden: 9 })] }]) {
      expect(shapeKey(other)).not.toBe(shapeKey(s));
    }
  });
});

describe('timeSteps (the CPU backend, for real)', () => {
  const cfg: TrainerConfig = {
    model: { kind: 'recurrent', cell: 'gru', inputSize: 3, hiddenSize: 5, numLayers: 1, bidirectional: false, initialState: 'zeros' },
    inputSize: 3,
    outputSize: 3,
    task: 'many-to-many',
    loss: 'mse',
    batch: 2,
    seqLen: 7,
    optimizer: defaultOptimizer('adam', 1e-3),
    clipNorm: 1,
    carryState: false,
    seed: 1,
  };
  const x = new Float32Array(2 * 7 * 3).map((_, i) => Math.cos(i));
  it('times a warm-up and the steps asked for, and a warm-up over the cap ends it', async () => {
    const ctx = kernelContext(acquireCpu().device);
    const timed = await timeSteps(ctx, [{ cfg, x, y: x }, { cfg: { ...cfg, batch: 2 }, x, y: x }], { steps: 2 });
    expect(timed.capped).toBe(false);
    expect(timed.ms).toBeGreaterThan(0);
    const capped = await timeSteps(ctx, [{ cfg, x, y: x }], { steps: 2, capMs: 0 });
    expect(capped.capped).toBe(true);
    expect(capped.ms).toBeGreaterThan(0);
  });
});

const owners: RunOwner[] = [];
afterAll(async () => {
  for (const o of owners) await o.close();
});

const SOURCE = { kind: 'builtin' as const, id: 'sine-mix', params: { length: 600 }, seed: 1 };
const DATA = defaultChoice(generateBuiltin('sine-mix', { length: 600 }, 1));
const RUN: RunConfig = run([slot('a', 'lstm', { hidden: 8 }), slot('b', 'gru', { hidden: 4 })], { batch: 4, seqLen: 8 }, DATA);

/**
 * A page whose worker trains on the CPU backend as if the start-up probe had chosen it on a
 * software adapter (or as `info` says); the "other" device is a second CPU device, and the timing
 * is faked: `ms` for the run's device, `otherMs` for the other.
 */
class Page {
  readonly messages: FromWorker[] = [];
  readonly owner: RunOwner;
  readonly timed: Array<{ device: 'run' | 'other'; models: readonly TimedModel[]; options: unknown; stepsBefore: number; stepsAfter: number }> = [];
  ms = 40;
  otherMs: number | StepTiming = 10;
  runDevice: GPUDevice | null = null;
  constructor(backend: BackendChoice = 'auto', over: Partial<GpuInfo> = { alternative: 'webgpu', probe: { webgpuMs: 90, cpuMs: 20, what: 'x' } }) {
    this.owner = new RunOwner({
      send: (m) => this.messages.push(m),
      acquire: async (onProblem): Promise<Gpu> => {
        const g = acquireCpu({ onProblem });
        Object.assign(g.info, over);
        this.runDevice = g.device;
        return g;
      },
      runProbe: {
        acquireOther: async () => acquireCpu(),
        time: async (ctx: KernelContext, models, options) => {
          const onRun = ctx.device === this.runDevice;
          const before = this.stepCount();
          // A while, long enough for a window of the run to slip in if the probe ran beside it.
          await new Promise((r) => setTimeout(r, 30));
          this.timed.push({ device: onRun ? 'run' : 'other', models, options, stepsBefore: before, stepsAfter: this.stepCount() });
          const answer = onRun ? this.ms : this.otherMs;
          return typeof answer === 'number' ? { ms: answer, capped: false } : answer;
        },
      },
    });
    owners.push(this.owner);
    this.send({ type: 'init', backend });
  }
  send(m: ToWorker): void {
    this.owner.post(m);
  }
  /** The steps the run's first model has taken (read from the session, not from reports that come later). */
  stepCount(): number {
    const session = (this.owner as unknown as { session: Session | null }).session;
    return session?.modelRuns[0]?.trainer.optimizer.stepCount ?? 0;
  }
  reports(): RunProbeReport[] {
    return this.messages.flatMap((m) => (m.type === 'run-probe' ? [m.report] : []));
  }
  async configure(config: RunConfig, generation: number): Promise<void> {
    this.send({ type: 'configure', run: config, generation });
    await this.owner.settled();
  }
}

async function loaded(page: Page): Promise<Page> {
  page.send({ type: 'load-data', source: SOURCE, request: 1, shape: AUTO_SHAPE });
  await page.owner.settled();
  return page;
}

describe('the run probe in the owner', () => {
  it('times the configured run on both backends and offers the faster, once per shape', async () => {
    const page = await loaded(new Page());
    expect(page.reports()).toEqual([]); // nothing configured: nothing to time
    await page.configure(RUN, 1);
    expect(page.reports()).toHaveLength(1);
    const [report] = page.reports();
    expect(report.what).toBe('LSTM 8 + GRU 4, batch 4 × 8 steps');
    expect(report).toMatchObject({ current: { backend: 'cpu', ms: 40, capped: false }, other: { backend: 'webgpu', ms: 10 }, offer: 'webgpu' });
    // The run's own configurations and data, on the run's device first, then the other; the probe's caps.
    expect(page.timed.map((t) => t.device)).toEqual(['run', 'other']);
    expect(page.timed[0].models.map((m) => [m.cfg.batch, m.cfg.seqLen, m.cfg.model])).toEqual([
      [4, 8, expect.objectContaining({ cell: 'lstm', hiddenSize: 8 })],
      [4, 8, expect.objectContaining({ cell: 'gru', hiddenSize: 4 })],
    ]);
    expect(page.timed[0].models[0].x.length).toBe(4 * 8 * page.timed[0].models[0].cfg.inputSize);
    expect(page.timed[0].options).toEqual(PROBE_OPTIONS);
    // Comfortable sizes from the run's own time: 40 ms at hidden 8 → about sqrt(50/40)·8 under 50 ms.
    expect(report.comfort).toMatchObject({ ms: 40, batch: 4, seqLen: 8, hidden: 8, comfortableHidden: 8, comfortableBatchSteps: 40 });
    // Nothing switched: the offer is the page's to take.
    expect(page.messages.filter((m) => m.type === 'gpu-ready')).toHaveLength(1);

    // The same shape again (another rate, another seed): not timed again.
    await page.configure({ ...RUN, seed: 9, training: { ...RUN.training, lr: 0.003 } }, 2);
    expect(page.reports()).toHaveLength(1);
    // Another batch: timed again; a near tie offers nothing.
    page.otherMs = 35;
    await page.configure({ ...RUN, training: { ...RUN.training, batch: 6 } }, 3);
    expect(page.reports()).toHaveLength(2);
    expect(page.reports()[1]).toMatchObject({ what: 'LSTM 8 + GRU 4, batch 6 × 8 steps', offer: null, other: { ms: 35 } });
    // Another model: timed again; an other backend whose first step went over the cap is not offered.
    page.otherMs = { ms: 2600, capped: true };
    await page.configure({ ...RUN, models: [slot('a', 'lstm', { hidden: 8 })] }, 4);
    expect(page.reports()[2]).toMatchObject({ what: 'LSTM 8, batch 4 × 8 steps', offer: null, other: { capped: true } });
  });

  it('never times beside the run: a playing run stands still while the probe runs', async () => {
    const page = await loaded(new Page());
    await page.configure(RUN, 1);
    page.send({ type: 'play' });
    await new Promise((r) => setTimeout(r, 150));
    page.send({ type: 'configure', run: { ...RUN, training: { ...RUN.training, batch: 5 } }, generation: 2 });
    await new Promise((r) => setTimeout(r, 400));
    page.send({ type: 'pause' });
    await page.owner.settled();
    expect(page.reports()).toHaveLength(2);
    expect(page.stepCount()).toBeGreaterThan(0);
    for (const t of page.timed) expect(t.stepsAfter, `${t.device} timing`).toBe(t.stepsBefore);
  });

  it('with a remembered choice of the CPU backend, times only the CPU (comfortable sizes) and offers nothing', async () => {
    const page = await loaded(new Page('cpu', { alternative: 'webgpu', cpuReason: 'You chose the CPU backend.' }));
    await page.configure(RUN, 1);
    expect(page.timed.map((t) => t.device)).toEqual(['run']);
    expect(page.reports()).toEqual([expect.objectContaining({ other: null, offer: null, comfort: expect.objectContaining({ ms: 40 }) })]);
  });

  it('on a hardware adapter, or WebGPU chosen by the page, times nothing', async () => {
    const page = await loaded(new Page('webgpu', { backend: 'webgpu', isFallback: true, alternative: 'cpu' }));
    await page.configure(RUN, 1);
    expect(page.timed).toEqual([]);
    expect(page.reports()).toEqual([]);
  });
});
