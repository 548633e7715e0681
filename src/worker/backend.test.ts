// The worker's backends: the CPU backend when WebGPU gives no device, and a run moved from one
// backend to the other mid-training taking, to the bit, the steps it would have taken where it
// was. Runs on the CPU backend (its results are deterministic), whatever TIMESTEP_BACKEND says.

import { afterAll, describe, expect, it } from 'vitest';
import { defaultChoice, generateBuiltin } from '../data';
import { AUTO_SHAPE } from '../data/shape';
import type { Gpu } from '../gpu/device';
import { acquireCpu } from '../kernels/cpu';
import { acquireBackend, type BackendChoice } from './backend';
import { RunOwner } from './owner';
import type { FromWorker, RunConfig, ToWorker } from './protocol';
import { run, slot } from './testing';

const owners: RunOwner[] = [];
afterAll(async () => {
  for (const o of owners) await o.close();
});

const SOURCE = { kind: 'builtin' as const, id: 'sine-mix', params: { length: 600 }, seed: 1 };
const RUN: RunConfig = run([slot('a', 'lstm', { hidden: 8 }), slot('b', 'gru', { hidden: 4 })], { batch: 4, seqLen: 8, validateEvery: 3 }, defaultChoice(generateBuiltin('sine-mix', { length: 600 }, 1)));

describe('acquireBackend', () => {
  const noProblem = () => undefined;
  it('falls back to the CPU backend when the browser has no WebGPU, and says why', async () => {
    const g = await acquireBackend({ webgpu: undefined }, 'auto', noProblem);
    expect(g.info.backend).toBe('cpu');
    expect(g.info.cpuReason).toMatch(/no WebGPU/);
    expect(g.info.alternative).toBeUndefined();
  });

  it('falls back when WebGPU offers no adapter, even when WebGPU was asked for', async () => {
    const webgpu = { requestAdapter: async () => null } as unknown as GPU;
    for (const choice of ['auto', 'webgpu'] as const) {
      const g = await acquireBackend({ webgpu }, choice, noProblem);
      expect(g.info.cpuReason).toMatch(/no GPU adapter/);
    }
  });

  it('falls back when the adapter refuses to create a device', async () => {
    const webgpu = { requestAdapter: async () => ({ features: new Set(), limits: {}, requestDevice: async () => Promise.reject(new Error('driver says no')) }) } as unknown as GPU;
    await expect(acquireBackend({ webgpu }, 'auto', noProblem)).resolves.toMatchObject({ info: { backend: 'cpu' } });
  });

  it('gives the CPU backend when asked, offering WebGPU back where the browser has it', async () => {
    const webgpu = { requestAdapter: async () => null } as unknown as GPU;
    const g = await acquireBackend({ webgpu }, 'cpu', noProblem);
    expect(g.info).toMatchObject({ backend: 'cpu', alternative: 'webgpu' });
  });
});

class Page {
  readonly messages: FromWorker[] = [];
  readonly owner: RunOwner;
  readonly asked: BackendChoice[] = [];
  constructor() {
    this.owner = new RunOwner({
      send: (m) => this.messages.push(m),
      acquire: async (onProblem, backend): Promise<Gpu> => {
        this.asked.push(backend);
        return acquireCpu({ onProblem });
      },
    });
    owners.push(this.owner);
    this.send({ type: 'init' });
  }
  send(m: ToWorker): void {
    this.owner.post(m);
  }
  of<T extends FromWorker['type']>(type: T): Array<Extract<FromWorker, { type: T }>> {
    return this.messages.filter((m): m is Extract<FromWorker, { type: T }> => m.type === type);
  }
  losses(modelId: string): number[] {
    const byStep = new Map(this.of('steps').filter((m) => m.modelId === modelId).flatMap((m) => m.reports.map((r) => [r.step, r.loss] as const)));
    return [...byStep.entries()].sort((a, b) => a[0] - b[0]).map(([, l]) => l);
  }
  async steps(n: number): Promise<void> {
    for (let i = 0; i < n; i++) this.send({ type: 'step', generation: 1 });
    await this.owner.settled();
  }
}

async function trained(steps: number): Promise<Page> {
  const page = new Page();
  page.send({ type: 'load-data', source: SOURCE, request: 1, shape: AUTO_SHAPE });
  await page.owner.settled();
  page.send({ type: 'configure', run: RUN, generation: 1 });
  await page.steps(steps);
  return page;
}

describe('switching backend', () => {
  it('a run moved after 12 steps takes the same next 8 steps as 20 straight, to the bit', async () => {
    const straight = await trained(20);
    const moved = await trained(12);
    moved.send({ type: 'switch-backend', backend: 'cpu' });
    await moved.owner.settled();
    expect(moved.asked).toEqual(['auto', 'cpu']);
    expect(moved.of('gpu-ready')).toHaveLength(2);
    expect(moved.of('gpu-problem')).toEqual([]);
    expect(moved.of('data-loaded').at(-1)).toMatchObject({ restored: true, summary: { description: expect.stringMatching(/Moved to the CPU backend/) } });
    await moved.steps(8);
    for (const id of ['a', 'b']) {
      const want = straight.losses(id);
      expect(want).toHaveLength(20);
      expect(moved.losses(id)).toEqual(want);
    }
  });
});
