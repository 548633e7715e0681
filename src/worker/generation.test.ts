// Generation through the run owner, on a MIDI upload: progress comes while tokens are made; a
// cancel, or a new configuration, stops the loop between tokens with what was made; the queue
// goes on (the next configuration is answered, and a short generation then runs to its end). A
// generation cancelled before it left the queue is answered too, or the page would wait forever.

import { afterAll, describe, expect, it } from 'vitest';
import { AUTO_SHAPE } from '../data/shape';
import { meta, noteEvents, smf, trackChunk } from '../data/midi/smfTesting';
import { Random } from '../data/random';
import { nodeGpu } from '../gpu/node';
import { RunOwner } from './owner';
import type { FromWorker, RunConfig, ToWorker } from './protocol';
import { slot } from './testing';

const owners: RunOwner[] = [];
afterAll(async () => {
  for (const o of owners) await o.close();
});

function tuneBytes(): ArrayBuffer {
  const scale = [60, 62, 64, 65, 67, 69, 71, 72];
  const notes = Array.from({ length: 240 }, (_, i) => [scale[(i * 3) % 8], i % 4 === 0 ? 96 : 48] as [number, number]);
  return smf(1, 96, [trackChunk(meta.tempo(0, 132)), trackChunk([...meta.name('Fiddle'), ...noteEvents(0, notes)])]).buffer as ArrayBuffer;
}

const until = async (ok: () => boolean, ms = 60_000) => {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('generation in the worker', () => {
  it('reports progress, stops on cancel and on a new configuration, and the queue goes on', async () => {
    const messages: FromWorker[] = [];
    const owner = new RunOwner({ send: (m) => messages.push(m), acquire: (onProblem) => nodeGpu({ onProblem }) });
    owners.push(owner);
    const of = <T extends FromWorker['type']>(type: T) => messages.filter((m): m is Extract<FromWorker, { type: T }> => m.type === type);
    const send = (m: ToWorker) => owner.post(m);
    send({ type: 'init' });
    send({ type: 'load-data', source: { kind: 'file', name: 'fiddle.mid', bytes: tuneBytes() }, request: 1, shape: AUTO_SHAPE });
    await owner.settled();
    const summary = of('data-loaded').at(-1)!.summary;
    expect(summary.kind).toBe('tokens');
    expect(summary.music?.midi?.tracks.map((t) => t.name)).toEqual(['Fiddle']);
    expect(summary.music?.midi?.bpm).toBeCloseTo(132, 0);
    expect(summary.description).toMatch(/fiddle\.mid \(MIDI type 1, 1 track, 132 bpm, 4\/4\): the melody of "Fiddle"/);
    let generation = 1;
    const run: RunConfig = {
      models: [slot('a', 'lstm', { hidden: 8 })],
      training: { optimizer: 'adam', lr: 0.01, batch: 4, seqLen: 16, tbptt: 0, clip: 1, speed: 'max', validateEvery: 5 },
      data: { ...AUTO_SHAPE, inputColumns: [], targetColumns: [], normalize: 'none', validationFraction: 0.2, missing: 'none' },
      seed: 2,
    };
    send({ type: 'configure', generation, run });
    send({ type: 'step', generation });
    await owner.settled();
    expect(of('configured').at(-1)?.generation).toBe(1);

    // Cancel after the first progress report.
    send({ type: 'generate', generation, modelId: 'a', primer: { kind: 'validation', tokens: 8 }, length: 4000, temperature: 1 });
    await until(() => of('generate-progress').length > 0);
    const progress = of('generate-progress')[0];
    expect(progress.total).toBe(4000);
    expect(progress.ids.length).toBe(progress.made);
    send({ type: 'generate-cancel' });
    await owner.settled();
    let done = of('generated').at(-1)!;
    expect(done.cancelled).toBe(true);
    expect(done.ids.length).toBeGreaterThanOrEqual(progress.made);
    expect(done.ids.length).toBeLessThan(4000);
    expect(done.primer.length).toBe(8);
    // The primer is the start of the validation split (the last fifth of the stream).
    const stream = summary.music!.ids;
    expect(done.primerStart).toBeGreaterThan(stream.length * 0.7);
    expect(Array.from(done.primer)).toEqual(Array.from(stream.subarray(done.primerStart, done.primerStart + 8)));
    expect(Math.max(...done.ids)).toBeLessThan(summary.vocab!.length);

    // A new configuration stops a generation in progress; the configuration is then built.
    send({ type: 'generate', generation, modelId: 'a', primer: { kind: 'ids', ids: [1, 2, 3] }, length: 4000, temperature: 1 });
    await until(() => of('generate-progress').length > 1);
    generation = 2;
    send({ type: 'configure', generation, run: { ...run, seed: 3 } });
    await owner.settled();
    expect(of('generated').length).toBe(2);
    expect(of('generated')[1].cancelled).toBe(true);
    expect(of('configured').at(-1)?.generation).toBe(2);

    // A cancel stops a generation still waiting in the queue: it makes no token but is answered
    // (the page is waiting for it), with its primer. A short one sent later runs to its end.
    send({ type: 'step', generation });
    send({ type: 'generate', generation, modelId: 'a', primer: { kind: 'validation', tokens: 4 }, length: 5, temperature: 0.5 });
    send({ type: 'generate-cancel' });
    send({ type: 'generate', generation, modelId: 'a', primer: { kind: 'validation', tokens: 4 }, length: 6, temperature: 0.5 });
    await owner.settled();
    expect(of('generated').length).toBe(4);
    const waited = of('generated')[2];
    expect(waited.cancelled).toBe(true);
    expect(waited.ids.length).toBe(0);
    expect(waited.primer.length).toBe(4);
    done = of('generated').at(-1)!;
    expect(done.cancelled).toBe(false);
    expect(done.ids.length).toBe(6);
    expect(done.generation).toBe(2);
    expect(of('gpu-problem')).toEqual([]);
    expect(of('action-error')).toEqual([]);
  }, 180_000);

  it('answers every generation exactly once under random commands at random moments (seeded)', async () => {
    for (const seed of [21, 22]) {
      const messages: FromWorker[] = [];
      const owner = new RunOwner({ send: (m) => messages.push(m), acquire: (onProblem) => nodeGpu({ onProblem }) });
      owners.push(owner);
      const of = <T extends FromWorker['type']>(type: T) => messages.filter((m): m is Extract<FromWorker, { type: T }> => m.type === type);
      const rng = new Random(seed);
      owner.post({ type: 'init' });
      owner.post({ type: 'load-data', source: { kind: 'file', name: 'fiddle.mid', bytes: tuneBytes() }, request: 1, shape: AUTO_SHAPE });
      await owner.settled();
      let generation = 1;
      const run = (hidden: number): RunConfig => ({
        models: [slot('a', rng.next() < 0.5 ? 'lstm' : 'gru', { hidden })],
        training: { optimizer: 'adam', lr: 0.01, batch: 2, seqLen: 8, tbptt: 0, clip: 1, speed: 'max', validateEvery: 5 },
        data: { ...AUTO_SHAPE, inputColumns: [], targetColumns: [], normalize: 'none', validationFraction: 0.2, missing: 'none' },
        seed,
      });
      owner.post({ type: 'configure', generation, run: run(6) });
      let asked = 0;
      for (let i = 0; i < 120; i++) {
        const action = rng.int(8);
        if (action <= 2) {
          asked++;
          owner.post({ type: 'generate', generation, modelId: 'a', primer: { kind: 'validation', tokens: 1 + rng.int(6) }, length: 1 + rng.int(rng.next() < 0.3 ? 400 : 12), temperature: rng.next() });
        } else if (action <= 4) owner.post({ type: 'generate-cancel' });
        else if (action === 5) owner.post({ type: 'step', generation });
        else if (action === 6) owner.post({ type: rng.next() < 0.5 ? 'play' : 'pause' });
        else owner.post({ type: 'configure', generation: ++generation, run: run(4 + rng.int(6)) });
        const wait = [0, 0, 1, 5, 20][rng.int(5)];
        if (wait) await new Promise((r) => setTimeout(r, wait));
      }
      owner.post({ type: 'pause' });
      await owner.settled();
      // Each generation is answered once: made (maybe cancelled), or refused because the run changed.
      const refused = of('action-error').filter((m) => m.action === 'generate');
      expect(of('generated').length + refused.length, `seed ${seed}`).toBe(asked);
      for (const r of refused) expect(r.message, `seed ${seed}`).toMatch(/run changed/);
      expect(of('gpu-problem'), `seed ${seed}`).toEqual([]);
      expect(of('configured').at(-1)?.generation, `seed ${seed}`).toBe(generation);
    }
  }, 300_000);
});
