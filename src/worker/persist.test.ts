// The saved-runs store on an in-memory IndexedDB (fake-indexeddb): a run's meta and state go in
// and come out together; rename, duplicate and delete touch only the run named; a save that fails
// half-way writes nothing.

import { IDBFactory, IDBObjectStore as FakeObjectStore } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { defaultChoice, generateBuiltin } from '../data';
import { RunStore, type SavedRun } from './persist';

function saved(id: string, step: number, at: number): SavedRun {
  return {
    meta: {
      id,
      name: id,
      created: at,
      saved: at,
      source: { kind: 'builtin', id: 'sine-mix', params: {}, seed: 1 },
      shape: { time: 'auto', key: 'auto', keys: [] },
      run: { models: [], training: { optimizer: 'adam', lr: 0.01, batch: 4, seqLen: 8, tbptt: 0, clip: 1, speed: 'max', validateEvery: 1 }, data: defaultChoice(generateBuiltin('sine-mix', { length: 100 }, 1)), seed: 1 },
      models: ['LSTM 1×8'],
      step,
      bestValidation: null,
      bytes: 12,
    },
    state: {
      id,
      file: null,
      models: [
        {
          id: 'a',
          params: { w: Float32Array.of(step, 2) },
          optimizer: { steps: step, slabs: [Float32Array.of(0.5)] },
          history: { steps: Float64Array.of(1), loss: Float32Array.of(1), gradNorm: Float32Array.of(1), clipScale: Float32Array.of(1), valSteps: new Float64Array(), valLoss: new Float32Array() },
        },
      ],
      random: { state: 123, spare: null },
      window: step,
    },
  };
}

describe('the saved-runs store', () => {
  it('keeps runs whole: save, list newest first, load, rename, duplicate, delete', async () => {
    const store = await RunStore.open(new IDBFactory());
    await store.save(saved('one', 3, 100));
    await store.save(saved('two', 7, 200));
    expect((await store.list()).map((r) => r.id)).toEqual(['two', 'one']);
    const one = await store.load('one');
    expect(one?.state.models[0].params.w).toEqual(Float32Array.of(3, 2));
    expect(one?.state.models[0].optimizer.slabs[0]).toEqual(Float32Array.of(0.5));
    await store.rename('one', 'first run');
    await store.duplicate('one', { id: 'three', name: 'first run (copy)', created: 300, saved: 300 });
    const copy = await store.load('three');
    expect(copy?.meta).toMatchObject({ id: 'three', name: 'first run (copy)', step: 3 });
    expect(copy?.state.id).toBe('three');
    await store.remove('two');
    expect((await store.list()).map((r) => [r.id, r.name])).toEqual([
      ['three', 'first run (copy)'],
      ['one', 'first run'],
    ]);
    expect(await store.load('two')).toBeNull();
    store.close();
  });

  it('a save refused half-way (the state put fails) keeps the run as it was saved before', async () => {
    const store = await RunStore.open(new IDBFactory());
    await store.save(saved('one', 3, 100));
    const put = FakeObjectStore.prototype.put;
    FakeObjectStore.prototype.put = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['put']>) {
      if (this.name === 'states') throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      return put.apply(this, args);
    };
    try {
      await expect(store.save(saved('one', 9, 500))).rejects.toMatchObject({ name: 'QuotaExceededError' });
    } finally {
      FakeObjectStore.prototype.put = put;
    }
    const one = await store.load('one');
    expect(one?.meta.step).toBe(3);
    expect(one?.state.window).toBe(3);
    store.close();
  });
});
