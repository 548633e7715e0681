// Saved runs end to end in the worker, on a real device (Dawn) and an in-memory IndexedDB
// (fake-indexeddb): a run saved after 30 steps and opened by another owner (a reloaded page) takes
// the same next 10 steps, to the bit, as a run that trained 40 straight; and a save the browser
// refuses (its quota) leaves the run training and every earlier save intact; a run exported to a
// file and imported in another store is the same run, and trains on the same.

import { IDBFactory, IDBObjectStore as FakeObjectStore } from 'fake-indexeddb';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultChoice, generateBuiltin } from '../data';
import { AUTO_SHAPE } from '../data/shape';
import { nodeGpu } from '../gpu/node';
import { RunOwner } from './owner';
import { RunStore } from './persist';
import { encodeRunFile } from './runFile';
import type { FromWorker, RunCommand, RunConfig, ToWorker } from './protocol';
import { run, slot } from './testing';
import { meta, noteEvents, smf, trackChunk } from '../data/midi/smfTesting';

const owners: RunOwner[] = [];
afterAll(async () => {
  for (const o of owners) await o.close();
});

const SOURCE = { kind: 'builtin' as const, id: 'sine-mix', params: { length: 600 }, seed: 1 };
const RUN: RunConfig = run([slot('a', 'lstm', { hidden: 8 }), slot('b', 'gru', { hidden: 4 })], { batch: 4, seqLen: 8, validateEvery: 3 }, defaultChoice(generateBuiltin('sine-mix', { length: 600 }, 1)));

class Page {
  readonly messages: FromWorker[] = [];
  readonly owner: RunOwner;
  generation = 1;
  constructor(factory: IDBFactory) {
    this.owner = new RunOwner({ send: (m) => this.messages.push(m), acquire: (onProblem) => nodeGpu({ onProblem }), store: RunStore.open(factory) });
    owners.push(this.owner);
    this.send({ type: 'init' });
  }
  send(m: ToWorker): void {
    this.owner.post(m);
  }
  run(command: RunCommand): void {
    this.send({ ...command, generation: this.generation });
  }
  of<T extends FromWorker['type']>(type: T): Array<Extract<FromWorker, { type: T }>> {
    return this.messages.filter((m): m is Extract<FromWorker, { type: T }> => m.type === type);
  }
  /** Loss per step of one model, in the order reported (a reopened run's history included). */
  losses(modelId: string): Map<number, number> {
    return new Map(this.of('steps').filter((m) => m.modelId === modelId).flatMap((m) => m.reports.map((r) => [r.step, r.loss] as const)));
  }
  async steps(n: number): Promise<void> {
    for (let i = 0; i < n; i++) this.run({ type: 'step' });
    await this.owner.settled();
  }
  /** Waits for the background write of the save that answers 'save-run'. */
  async saved(): Promise<Extract<FromWorker, { type: 'save-state' }>> {
    this.send({ type: 'save-run' });
    await this.owner.settled();
    for (let i = 0; i < 400; i++) {
      const last = this.of('save-state').at(-1);
      if (last && last.state !== 'unsaved') return last;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`no save: ${JSON.stringify(this.of("save-state"))} ${JSON.stringify(this.of("gpu-problem"))}`);
  }
}

async function trained(factory: IDBFactory, steps: number): Promise<Page> {
  const page = new Page(factory);
  page.send({ type: 'load-data', source: SOURCE, request: 1, shape: AUTO_SHAPE });
  await page.owner.settled();
  page.send({ type: 'configure', run: RUN, generation: 1 });
  await page.steps(steps);
  return page;
}

describe('saved runs', () => {
  it('a run saved at step 30 and opened elsewhere takes the same 10 next steps as 40 straight, to the bit', async () => {
    const factory = new IDBFactory();
    const a = await trained(factory, 30);
    const save = await a.saved();
    expect(save).toMatchObject({ state: 'saved', step: 30 });

    const b = new Page(factory);
    b.send({ type: 'list-runs' });
    await b.owner.settled();
    await new Promise((r) => setTimeout(r, 50));
    const runs = b.of('runs').at(-1)!;
    expect(runs.runs.map((r) => r.id)).toEqual([save.id]);
    expect(runs.runs[0]).toMatchObject({ step: 30, models: ['LSTM 1×8', 'GRU 1×4'] });
    b.generation = 7;
    b.send({ type: 'open-run', id: save.id!, request: 3, generation: 7 });
    await b.owner.settled();
    expect(b.of('run-opened')).toMatchObject([{ request: 3, generation: 7 }]);
    expect(b.of('configured').at(-1)).toMatchObject({ generation: 7 });
    // The loss chart comes back: steps 1..30 and the validation losses, as A sent them.
    for (const id of ['a', 'b']) expect([...b.losses(id)]).toEqual([...a.losses(id)]);
    const validation = (p: Page, id: string) => p.of('validation').filter((v) => v.modelId === id).map((v) => [v.step, v.loss]);
    for (const id of ['a', 'b']) expect(validation(b, id)).toEqual(validation(a, id));
    await b.steps(10);

    const c = await trained(new IDBFactory(), 40);
    for (const id of ['a', 'b']) {
      const resumed = [...b.losses(id)].filter(([step]) => step > 30);
      const straight = [...c.losses(id)].filter(([step]) => step > 30);
      expect(resumed.map(([s]) => s)).toEqual([31, 32, 33, 34, 35, 36, 37, 38, 39, 40]);
      expect(resumed).toEqual(straight);
    }
    for (const id of ['a', 'b']) expect(validation(b, id).filter(([step]) => step > 30)).toEqual(validation(c, id).filter(([step]) => step > 30));
  }, 180_000);

  it('a run on an uploaded file opens from the bytes saved with it', async () => {
    const factory = new IDBFactory();
    const a = new Page(factory);
    const lines = ['day,level'];
    for (let i = 0; i < 300; i++) lines.push(`${i},${Math.sin(i / 9).toFixed(4)}`);
    const bytes = new TextEncoder().encode(lines.join('\n')).buffer as ArrayBuffer;
    a.send({ type: 'load-data', source: { kind: 'file', name: 'levels.csv', bytes }, request: 1, shape: AUTO_SHAPE });
    await a.owner.settled();
    const summary = a.of('data-loaded').at(-1)!.summary;
    const names = summary.columns.map((c) => c.name);
    const data = { ...AUTO_SHAPE, inputColumns: names, targetColumns: names.slice(-1), normalize: 'zscore' as const, validationFraction: 0.2, missing: 'ffill' as const };
    a.send({ type: 'configure', run: run([slot('a', 'gru', { hidden: 8 })], { batch: 4, seqLen: 12 }, data), generation: 1 });
    await a.steps(4);
    const save = await a.saved();
    expect(save.state).toBe('saved');

    const b = new Page(factory);
    b.send({ type: 'list-runs' });
    await new Promise((r) => setTimeout(r, 100));
    expect(b.of('runs').at(-1)?.runs[0]).toMatchObject({ source: { kind: 'file', name: 'levels.csv', size: bytes.byteLength }, step: 4 });
    b.send({ type: 'open-run', id: save.id!, request: 1, generation: 2 });
    await b.owner.settled();
    const opened = b.of('run-opened')[0];
    expect(opened.summary.name).toBe('levels.csv');
    expect(opened.summary.length).toBe(summary.length);
    expect(b.of('configured').at(-1)).toMatchObject({ generation: 2 });
    expect([...b.losses('a').keys()]).toEqual([1, 2, 3, 4]);
  }, 120_000);

  it('a run on a MIDI file opens with the track its melody came from', async () => {
    const factory = new IDBFactory();
    const a = new Page(factory);
    const tune = (pitch: number) => noteEvents(0, Array.from({ length: 80 }, (_, i) => [pitch + (i % 5), 48] as [number, number]));
    const file = smf(1, 96, [trackChunk([...meta.name('Low'), ...tune(48)]), trackChunk([...meta.name('High'), ...noteEvents(1, Array.from({ length: 60 }, (_, i) => [72 + (i % 3), 96] as [number, number]))])]);
    a.send({ type: 'load-data', source: { kind: 'file', name: 'two.mid', bytes: file.slice().buffer as ArrayBuffer, midiTrack: 1 }, request: 1, shape: AUTO_SHAPE });
    await a.owner.settled();
    const summary = a.of('data-loaded').at(-1)!.summary;
    expect(summary.music?.midi?.track).toBe(1);
    const data = { ...AUTO_SHAPE, inputColumns: [], targetColumns: [], normalize: 'none' as const, validationFraction: 0.2, missing: 'none' as const };
    a.send({ type: 'configure', run: run([slot('a', 'gru', { hidden: 4 })], { batch: 2, seqLen: 8 }, data), generation: 1 });
    await a.steps(2);
    expect((await a.saved()).state).toBe('saved');

    const b = new Page(factory);
    const id = a.of('save-state').at(-1)!.id!;
    b.send({ type: 'open-run', id, request: 1, generation: 2 });
    await b.owner.settled();
    const opened = b.of('run-opened')[0];
    expect(opened.summary.music?.midi?.track).toBe(1);
    expect(opened.summary.vocab).toEqual(summary.vocab);
    expect(b.of('configured').at(-1)).toMatchObject({ generation: 2 });
  }, 120_000);

  it('a save the browser refuses leaves the run training in memory and the earlier save intact', async () => {
    const factory = new IDBFactory();
    const page = await trained(factory, 5);
    const first = await page.saved();
    expect(first.state).toBe('saved');

    // From now on every write fails as a full disk does.
    const store = await RunStore.open(factory);
    const proto = FakeObjectStore.prototype;
    const put = proto.put;
    proto.put = () => {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    };
    try {
      await page.steps(3);
      const failed = await page.saved();
      expect(failed.state).toBe('failed');
      expect(failed.message).toMatch(/no room left/);
      // The run goes on.
      await page.steps(2);
      expect(Math.max(...page.losses('a').keys())).toBe(10);
    } finally {
      proto.put = put;
    }
    // The save before the failure is whole: step 5, and it opens.
    const runs = await store.list();
    expect(runs.map((r) => [r.id, r.step])).toEqual([[first.id, 5]]);
    const saved = await store.load(first.id!);
    expect(saved?.state.models.map((m) => m.optimizer.steps)).toEqual([5, 5]);
    store.close();
  }, 120_000);

  it('a run exported to a file and imported in another browser is the same run, and trains on the same', async () => {
    const factory = new IDBFactory();
    const a = await trained(factory, 6);
    const save = await a.saved();
    a.send({ type: 'export-run', id: save.id! });
    for (let i = 0; i < 200 && a.of('run-file').length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    const file = a.of('run-file')[0];
    expect(file.fileName).toMatch(/^sine-mix-lstm-1-8-gru-1-4-.*\.timestep-run$/);

    // Another browser: its own store.
    const elsewhere = new IDBFactory();
    const b = new Page(elsewhere);
    b.send({ type: 'import-run', file: file.fileName, bytes: file.bytes });
    for (let i = 0; i < 200 && !b.of('runs').some((r) => r.runs.length > 0); i++) await new Promise((r) => setTimeout(r, 10));
    expect(b.of('runs').at(-1)!.runs.map((r) => [r.id, r.step])).toEqual([[save.id, 6]]);
    const [mine, theirs] = [await RunStore.open(factory), await RunStore.open(elsewhere)];
    expect(await theirs.load(save.id!)).toEqual(await mine.load(save.id!));
    // Imported twice: a second run beside the first, under a new id.
    const name = b.of('runs').at(-1)!.runs[0].name;
    b.send({ type: 'import-run', file: file.fileName, bytes: encodeRunFile((await mine.load(save.id!))!, 'test').buffer as ArrayBuffer });
    for (let i = 0; i < 200 && b.of('runs').at(-1)!.runs.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
    const both = b.of('runs').at(-1)!.runs;
    expect(both.map((r) => r.name).sort()).toEqual([name, `${name} (imported)`]);
    expect(both.find((r) => r.id !== save.id)!.step).toBe(6);
    // A file that is not a run: refused, naming it; nothing added.
    b.send({ type: 'import-run', file: 'notes.txt', bytes: new TextEncoder().encode('hello').buffer as ArrayBuffer });
    for (let i = 0; i < 200 && b.of('runs-error').length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(b.of('runs-error')[0]).toMatchObject({ action: 'import notes.txt', message: expect.stringMatching(/^notes\.txt: not a Timestep run file/) });
    mine.close();
    theirs.close();

    // Opened there, its next 3 steps are the ones the exporting page takes.
    b.send({ type: 'open-run', id: save.id!, request: 2, generation: 5 });
    b.generation = 5;
    await b.owner.settled();
    await b.steps(3);
    await a.steps(3);
    for (const id of ['a', 'b']) expect([...b.losses(id)].filter(([s]) => s > 6)).toEqual([...a.losses(id)].filter(([s]) => s > 6));
    expect(Math.max(...b.losses('a').keys())).toBe(9);
  }, 180_000);
});
