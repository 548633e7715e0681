// The run owner under what a person does: commands in random order and at random moments, the
// way the page sends them (reconfigure mid-step, load data mid-build, step, probe, forecast, ...),
// on a real device (Dawn). Whatever the order, the GPU never rejects a command (an uncaptured
// validation error comes back as 'gpu-problem'), every configuration is answered, the page is
// never shown a refusal of a command it offered (RoutedPage), and the run the page asked for
// last is the one in place and trains.

import { afterAll, describe, expect, it } from 'vitest';
import { Random } from '../data/random';
import { nodeGpu } from '../gpu/node';
import { RunOwner } from './owner';
import { isRunReply, transferables, type ConfiguredModel, type DataShape, type DataSource, type DataSummary, type FromWorker, type ModelSlot, type RunCommand, type RunConfig, type ToWorker } from './protocol';
import type { Command } from './queue';
import { AUTO_SHAPE } from '../data/shape';
import { familyOf } from '../models/registry';

const owners: RunOwner[] = [];
afterAll(async () => {
  for (const o of owners) await o.close();
});

function slot(id: string, kind: ModelSlot['kind'], hidden: number, layers = 1): ModelSlot {
  return { id, kind, layers, hidden, dState: 4, expand: 2, bidirectional: false, initialState: 'zeros' };
}

function csv(rows: number, seed: number): ArrayBuffer {
  const r = new Random(seed);
  const lines = ['date,temp,rain'];
  for (let i = 0; i < rows; i++) lines.push(`2024-01-${String((i % 28) + 1).padStart(2, '0')},${(10 + 5 * Math.sin(i / 7) + r.uniform(-1, 1)).toFixed(2)},${r.uniform(0, 3).toFixed(1)}`);
  return new TextEncoder().encode(lines.join('\n')).buffer as ArrayBuffer;
}

/** A page's worth of bookkeeping: generations and load numbers as the page keeps them. */
class FakePage {
  readonly messages: FromWorker[] = [];
  generation = 0;
  request = 0;
  slots: ModelSlot[] = [slot('a', 'lstm', 8)];
  training: RunConfig['training'] = { optimizer: 'adam', lr: 0.01, batch: 4, seqLen: 12, tbptt: 0, clip: 1, speed: 'max', validateEvery: 3 };
  constructor(readonly owner: RunOwner) {}

  /** A message from the worker, as the page's message handler gets it. */
  receive(m: FromWorker): void {
    this.messages.push(m);
  }
  send(m: ToWorker): void {
    this.owner.post(m);
  }
  /** Every numeric column in, the first one predicted, as the page chooses for a fresh table. */
  choice(): RunConfig['data'] {
    const summary = this.of('data-loaded').at(-1)?.summary;
    const names = summary?.kind === 'table' ? summary.columns.map((c) => c.name) : [];
    return { ...AUTO_SHAPE, inputColumns: names, targetColumns: names.slice(0, 1), normalize: 'zscore', validationFraction: 0.2, missing: 'ffill' };
  }
  configure(): void {
    this.generation++;
    this.send({ type: 'configure', generation: this.generation, run: { models: this.slots, training: this.training, data: this.choice(), seed: 5 } });
  }
  load(source: Extract<ToWorker, { type: 'load-data' }>['source'], shape: DataShape = AUTO_SHAPE): void {
    this.request++;
    this.send({ type: 'load-data', source, request: this.request, shape });
  }
  run(command: RunCommand): void {
    this.send({ ...command, generation: this.generation });
  }
  of<T extends FromWorker['type']>(type: T): Array<Extract<FromWorker, { type: T }>> {
    return this.messages.filter((m): m is Extract<FromWorker, { type: T }> => m.type === type);
  }
}

async function start<P extends FakePage = FakePage>(make: (owner: RunOwner) => P = (owner) => new FakePage(owner) as P): Promise<P> {
  let page: P | null = null;
  const owner = new RunOwner({ send: (m) => page!.receive(m), acquire: (onProblem) => nodeGpu({ onProblem }) });
  owners.push(owner);
  page = make(owner);
  page.send({ type: 'init' });
  return page;
}

/** A long-format file: three stations' readings on the same 60 days. */
function longCsv(): ArrayBuffer {
  const lines = ['station,day,level'];
  for (const [k, station] of ['north', 'east', 'west'].entries()) {
    for (let d = 0; d < 60; d++) lines.push(`${station},2024-03-${String((d % 30) + 1).padStart(2, '0')}T${d < 30 ? '00' : '12'}:00:00Z,${(k * 100 + d).toFixed(1)}`);
  }
  return new TextEncoder().encode(lines.join('\n')).buffer as ArrayBuffer;
}

/**
 * A page that keeps what it knows the way the real one does, and so knows which commands it would
 * offer. Replies are handled as src/ui/routing.ts and src/ui/state/runSlice.ts handle them:
 * - a configuration takes a generation above every one sent (`sentGeneration`), never one reused;
 * - a reply about another generation than the page's (a run reply: src/worker/protocol.ts
 *   isRunReply, 'action-error' included) is dropped, never shown;
 * - 'configured' of the page's generation becomes the run in place; the last one built is kept
 *   (`lastBuilt`) even when dropped, for a refusal that goes back to it;
 * - 'config-error' of the page's generation (an older one was superseded: dropped) ends the
 *   configuring; with `live` the page's generation goes back to the run kept (and shows that
 *   run), with none the page has no run;
 * - 'data-loaded' for the latest load makes the page configure at once, as the router does.
 * Every command it sends is marked with whether the page would offer it there and then (see
 * `offered`); an 'action-error' the page shows for one it would offer is a fault.
 */
class RoutedPage extends FakePage {
  sentGeneration = 0;
  summary: DataSummary | null = null;
  configured: ConfiguredModel[] | null = null;
  configuredGeneration: number | null = null;
  configuring = false;
  running = false;
  lastBuilt: Extract<FromWorker, { type: 'configured' }> | null = null;
  /** The configuration sent last: the page's settings (its data choice decides whether a forecast can feed back). */
  sent: RunConfig | null = null;
  /** Where the sender is in its script (the random action's index), for the failure text. */
  at = 'start';
  /** Shown action-errors about commands the page would offer: what the test fails with. */
  readonly faults: string[] = [];
  /** Each command sent: where in the script, and why the page would not offer it (null: it would). */
  private readonly marks = new WeakMap<object, { at: string; refusal: string | null }>();
  /** The command the owner is carrying out now (its action-error is about it): see `watch`. */
  private current: Command | null = null;

  /**
   * Follows which command the owner is carrying out, so that an 'action-error' is matched to the
   * command it answers exactly (they carry only a generation and an action name). The owner runs
   * one command at a time and refuses a command while carrying it out (owner.ts `refuse`).
   */
  watch(): void {
    const owner = this.owner as unknown as { execute(command: Command): Promise<void> };
    const execute = owner.execute.bind(this.owner);
    owner.execute = async (command) => {
      this.current = command;
      try {
        await execute(command);
      } finally {
        this.current = null;
      }
    };
  }

  override configure(): void {
    this.generation = Math.max(this.generation, this.sentGeneration) + 1;
    this.sentGeneration = this.generation;
    this.configuring = true;
    this.sent = { models: this.slots, training: this.training, data: this.choice(), seed: 5 };
    this.send({ type: 'configure', generation: this.generation, run: this.sent });
  }

  /** The run's models as the views list them (src/ui/views/runModels.ts): the run in place's, as the settings describe them. */
  runModels(): ModelSlot[] {
    return (this.configured ?? []).flatMap((m) => this.slots.filter((slot) => slot.id === m.id));
  }

  /** Why the page would not send `command` now (its control is disabled or absent), or null when it would. */
  offered(command: RunCommand): string | null {
    const models = this.runModels();
    switch (command.type) {
      // Step and Reset act on the run in place or the one on its way (src/ui/training/Controls.tsx;
      // the → key steps while a configuration is on its way too: src/ui/keyboard.ts).
      case 'step':
      case 'reset':
        return this.configured !== null || this.configuring ? null : 'no run configured';
      // Step-through is offered for the run's first model when its family walks a recurrence (src/ui/views/BpttView.tsx).
      case 'bptt-step':
        return models[0] && familyOf(models[0].kind).views.bpttStepThrough ? null : `the run's first model (${models[0]?.kind ?? 'none'}) has no recurrence to walk`;
      // The forecast view is there for a table, with a button per mode for the run's models;
      // "Forecast past the end" only when the targets are the inputs (src/ui/views/ForecastView.tsx).
      case 'forecast': {
        if (this.summary?.kind !== 'table') return `the data is not a table (${this.summary?.kind})`;
        if (!models.some((m) => m.id === command.modelId)) return `no model ${command.modelId} in the run`;
        const { inputColumns, targetColumns } = this.sent!.data;
        const targets = targetColumns.length ? targetColumns : inputColumns.slice(0, 1);
        const feedsBack = targets.length === inputColumns.length && targets.every((c, i) => c === inputColumns[i]);
        return command.mode === 'future' && !feedsBack ? 'the targets are not the inputs' : null;
      }
      // A model card's weights buttons: a model of the settings that the run in place has (src/ui/model/ModelCard.tsx).
      case 'export-weights':
        return models.some((m) => m.id === command.modelId) ? null : `no model ${command.modelId} in the run`;
      default:
        return null;
    }
  }

  override run(command: RunCommand): void {
    const message = { ...command, generation: this.generation };
    this.marks.set(message, { at: this.at, refusal: this.offered(command) });
    this.send(message);
  }

  override receive(m: FromWorker): void {
    super.receive(m);
    if (m.type === 'configured') this.lastBuilt = m;
    // A reply about a run the page has configured past: dropped.
    if (isRunReply(m) && m.generation !== this.generation) return;
    switch (m.type) {
      case 'data-loaded':
        if (m.request !== this.request) return;
        this.summary = m.summary;
        this.configure();
        return;
      case 'configured':
        this.show(m);
        return;
      case 'config-error':
        // Only the answer to the latest configuration counts; an older one was superseded.
        if (m.generation !== this.generation) return;
        if (m.live !== null && this.configuredGeneration !== m.live && this.lastBuilt?.generation === m.live) this.show(this.lastBuilt);
        this.configuring = false;
        if (m.live === null) {
          this.configured = null;
          this.configuredGeneration = null;
          this.running = false;
        } else this.generation = m.live;
        return;
      case 'running':
        this.running = m.running;
        return;
      case 'action-error': {
        const command = this.current;
        const mark = command ? this.marks.get(command) : undefined;
        const what = command ? `${command.type}${'modelId' in command ? ` ${command.modelId}` : ''}${'mode' in command ? ` ${command.mode}` : ''} of generation ${m.generation}` : 'no command';
        // Shown (its generation is the page's). A command the page would not have offered may be
        // refused; one it would offer may not (nor may an action-error answer no command sent).
        // A command of a configuration that was superseded or refused is refused when its turn
        // comes ("The run changed before this was done"), and the real page never shows that: a
        // superseded configuration was superseded by one the page sent, so the page is on a newer
        // generation already; a refused one is answered first (the queue keeps the order), and
        // the page goes back to the run kept. Either way the refusal is about another run than the
        // page's, dropped above. (A refusal with no run kept, possible only before the first run
        // is built, would leave the page on the refused generation; here the first one builds.)
        if (mark && mark.refusal !== null) return;
        this.faults.push(`action ${mark?.at ?? '?'} (${what}): the page shows "Could not ${m.action}: ${m.message}"`);
        return;
      }
    }
  }

  private show(m: Extract<FromWorker, { type: 'configured' }>): void {
    this.configured = m.models;
    this.configuredGeneration = m.generation;
    this.configuring = false;
  }
}

describe('the run owner', () => {
  it('reads the loaded file again another way; a reshape sent behind a load reads the new file, and a failed load leaves the last one to reshape', async () => {
    const page = await start();
    page.load({ kind: 'file', name: 'stations.csv', bytes: longCsv() });
    // Sent at once, before the file has even parsed: it must wait for it, not take the file before.
    page.load({ kind: 'same' }, { time: 'auto', key: 'station', keys: ['west', 'north'] });
    await page.owner.settled();
    let loaded = page.of('data-loaded').at(-1)!;
    expect(loaded.request).toBe(page.request);
    expect(loaded.summary.layout?.applied).toEqual({ time: 'day', key: 'station', keys: ['north', 'west'] });
    expect(loaded.summary.columns.map((c) => c.name).sort()).toEqual(['north', 'west']);
    expect(loaded.summary.length).toBe(60);
    // The series keep the file's values: north's are 0..59 in time order, west's 200..259.
    const north = loaded.summary.series.find((s) => s.name === 'north')!;
    expect(Math.min(...north.values)).toBe(0);
    expect(Math.max(...north.values)).toBe(59);
    expect(loaded.summary.time?.unit).toBe('minute');
    // A file that cannot be read: the stations stay, and reshaping reads them.
    page.load({ kind: 'file', name: 'broken.csv', bytes: new Uint8Array([0, 159, 146, 150, 0, 255]).buffer as ArrayBuffer });
    page.load({ kind: 'same' }, { time: 'auto', key: 'station', keys: ['east'] });
    await page.owner.settled();
    expect(page.of('data-error').map((m) => m.request)).toEqual([]);
    loaded = page.of('data-loaded').at(-1)!;
    expect(loaded.request).toBe(page.request);
    expect(loaded.summary.name).toBe('stations.csv');
    expect(loaded.summary.layout?.applied.keys).toEqual(['east']);
    page.configure();
    page.run({ type: 'step' });
    await page.owner.settled();
    expect(page.of('steps').at(-1)?.generation).toBe(page.generation);
  }, 120_000);

  it('takes a dataset and a configuration sent before its device is ready', async () => {
    const page = await start();
    page.load({ kind: 'builtin', id: 'sine-mix', params: { length: 400 }, seed: 1 });
    page.configure();
    page.run({ type: 'step' });
    await page.owner.settled();
    expect(page.of('gpu-problem')).toEqual([]);
    // The configure came before the data had loaded: it is refused, saying so, not dropped.
    const answered = [...page.of('configured'), ...page.of('config-error')];
    expect(answered).toHaveLength(1);
    page.configure();
    page.run({ type: 'step' });
    await page.owner.settled();
    expect(page.of('configured').at(-1)?.generation).toBe(page.generation);
    expect(page.of('steps').filter((m) => m.generation === page.generation).flatMap((m) => m.reports.map((r) => r.step))).toEqual([1]);
  }, 120_000);

  it('a newer configuration supersedes queued ones; a refused one leaves the run in place, naming the setting', async () => {
    const page = await start();
    page.load({ kind: 'builtin', id: 'sine-mix', params: { length: 400 }, seed: 1 });
    await page.owner.settled();
    page.configure();
    await page.owner.settled();
    const live = page.generation;
    // Three more in a row: only the last is built.
    for (const h of [5, 6, 7]) {
      page.slots = [slot('a', 'gru', h)];
      page.configure();
    }
    await page.owner.settled();
    expect(page.of('configured').map((m) => m.generation)).toEqual([live, page.generation]);
    // Truncated BPTT with a learned initial state cannot train: refused, the GRU 7 run stays.
    page.slots = [{ ...slot('a', 'gru', 7), initialState: 'learned' }];
    page.training = { ...page.training, tbptt: 4 };
    page.configure();
    page.run({ type: 'step' });
    await page.owner.settled();
    const refused = page.of('config-error').at(-1)!;
    expect(refused.generation).toBe(page.generation);
    expect(refused.live).toBe(page.generation - 1);
    expect(refused.setting).toEqual({ scope: 'model', modelId: 'a', field: 'initialState' });
    // The step sent with the refused generation is refused too (the page had moved on to it).
    expect(page.of('action-error').at(-1)?.generation).toBe(page.generation);
    page.generation = refused.live!;
    page.run({ type: 'step' });
    await page.owner.settled();
    expect(page.of('steps').at(-1)?.generation).toBe(page.generation);
    expect(page.of('gpu-problem')).toEqual([]);
  }, 120_000);

  it('adding and removing a comparison model keeps the others as they were', async () => {
    const page = await start();
    page.load({ kind: 'builtin', id: 'sine-mix', params: { length: 400 }, seed: 1 });
    await page.owner.settled();
    page.configure();
    // (Sent at once, a second configure would supersede this one and refuse the steps between.)
    await page.owner.settled();
    for (let k = 0; k < 3; k++) page.run({ type: 'step' });
    page.run({ type: 'export-weights', modelId: 'a', name: 'a', format: 'safetensors' });
    page.run({ type: 'export-pytorch', modelId: 'a', name: 'LSTM 8' });
    page.slots = [slot('a', 'lstm', 8), slot('b', 'rnn_tanh', 8)];
    page.configure();
    page.run({ type: 'export-weights', modelId: 'a', name: 'a', format: 'safetensors' });
    page.run({ type: 'step' });
    await page.owner.settled();
    const [zip] = page.of('pytorch-export');
    expect(zip.fileName).toMatch(/^timestep-.+-lstm-8\.zip$/);
    expect(Array.from(new Uint8Array(zip.bytes, 0, 2))).toEqual([0x50, 0x4b]); // "PK"
    expect(transferables(zip)).toEqual([zip.bytes]);
    const [before, after] = page.of('weights');
    // The configure changed nothing of model a: same weights at the same step.
    expect(after.step).toBe(3);
    const bytes = (m: typeof after) => (m.format === 'safetensors' ? new Uint8Array(m.bytes) : null);
    expect(bytes(after)).not.toBeNull();
    expect(bytes(after)).toEqual(bytes(before));
    const configured = page.of('configured').at(-1)!;
    expect(configured.models.map((m) => [m.id, m.kept, m.joinedAt])).toEqual([
      ['a', true, null],
      ['b', false, 3],
    ]);
    const lastStep = (id: string) => page.of('steps').filter((m) => m.modelId === id && m.generation === page.generation).flatMap((m) => m.reports).at(-1)?.step;
    expect(lastStep('a')).toBe(4);
    expect(lastStep('b')).toBe(1);
    // Removing a: b carries on from its own step.
    page.slots = [slot('b', 'rnn_tanh', 8)];
    page.configure();
    page.run({ type: 'step' });
    await page.owner.settled();
    expect(page.of('configured').at(-1)!.models.map((m) => [m.id, m.kept])).toEqual([['b', true]]);
    expect(lastStep('b')).toBe(2);
    expect(page.of('gpu-problem')).toEqual([]);
  }, 120_000);

  it('reconfigures between every submit and its readback, 200 times, with no GPU error', async () => {
    const page = await start();
    const rng = new Random(5);
    page.load({ kind: 'builtin', id: 'sine-mix', params: { length: 300 }, seed: 1 });
    await page.owner.settled();
    page.configure();
    await page.owner.settled();
    const kinds: ModelSlot['kind'][] = ['rnn_tanh', 'lstm', 'gru', 'mamba', 'mingru', 'minlstm'];
    for (let i = 0; i < 200; i++) {
      // A step submits its work and records an asynchronous readback; the configuration right
      // behind it replaces (or keeps) the model while that readback may still be in flight.
      page.run({ type: 'step' });
      if (i % 3 === 0) page.send({ type: 'probe', sample: rng.int(4), layer: 0 });
      page.slots = rng.next() < 0.3 ? [slot('a', page.slots[0].kind, page.slots[0].hidden), slot('b', kinds[rng.int(kinds.length)], 3 + rng.int(6))] : [slot('a', kinds[rng.int(kinds.length)], 3 + rng.int(6))];
      page.configure();
      if (i % 10 === 0) await page.owner.settled();
    }
    page.run({ type: 'step' });
    await page.owner.settled();
    expect(page.of('gpu-problem')).toEqual([]);
    expect(page.of('config-error')).toEqual([]);
    expect(page.of('configured').at(-1)!.generation).toBe(page.generation);
    expect(page.of('steps').filter((m) => m.generation === page.generation).flatMap((m) => m.reports.map((r) => r.step))).toContain(1);
  }, 600_000);

  it('stays consistent under 200 random commands at random moments (seeded)', async () => {
    for (const seed of [11, 12]) {
      const page = await start((owner) => new RoutedPage(owner));
      page.watch();
      const rng = new Random(seed);
      const pick = <T,>(xs: readonly T[]): T => xs[rng.int(xs.length)];
      page.load({ kind: 'builtin', id: 'sine-mix', params: { length: 300 }, seed: 1 });
      // (Its arrival configures, as on the page.)
      await page.owner.settled();
      const kinds: ModelSlot['kind'][] = ['rnn_tanh', 'lstm', 'gru', 'mamba', 'mingru', 'minlstm'];
      for (let i = 0; i < 200; i++) {
        page.at = `${i}`;
        const action = rng.int(16);
        if (action === 0) page.load(pick<DataSource>([{ kind: 'builtin', id: 'sine-mix', params: { length: 200 + rng.int(300) }, seed: 1 }, { kind: 'builtin', id: 'adding', params: { length: 6 + rng.int(10), count: 64 }, seed: 2 }, { kind: 'file', name: 'weather.csv', bytes: csv(60 + rng.int(200), seed) }, { kind: 'file', name: 'bad.csv', bytes: new TextEncoder().encode('a,b\n1,x\n').buffer as ArrayBuffer }]));
        else if (action <= 3) {
          const n = 1 + rng.int(3);
          page.slots = Array.from({ length: n }, (_, k) => slot('abc'[k], pick(kinds), 3 + rng.int(12), 1 + rng.int(2)));
          if (rng.next() < 0.2) page.training = { ...page.training, seqLen: 4 + rng.int(20), batch: 1 + rng.int(6), tbptt: rng.next() < 0.2 ? 3 : 0 };
          page.configure();
        } else if (action === 4) page.send({ type: 'play' });
        else if (action === 5) page.send({ type: 'pause' });
        else if (action <= 7) page.run({ type: 'step' });
        else if (action === 8) page.send({ type: 'probe', sample: rng.int(4), layer: 0 });
        else if (action === 9) page.run({ type: 'bptt-step', sample: 0 });
        else if (action === 10) page.run({ type: 'forecast', modelId: 'a', mode: i % 2 ? 'future' : 'backtest', horizon: 5 });
        else if (action === 11) page.run({ type: 'export-weights', modelId: pick(['a', 'b']), name: 'x', format: 'safetensors' });
        else if (action === 12) page.run({ type: 'reset' });
        else if (action === 13) page.send({ type: 'set-speed', speed: pick([5, 60, 'max'] as const) });
        else if (action === 14) page.send({ type: 'bptt-stop' });
        // The same settings sent again (a setting changed and changed back).
        else page.configure();
        // Sometimes at once, sometimes after a submit or two, sometimes after a while.
        const wait = pick([0, 0, 1, 5, 20]);
        if (wait) await new Promise((r) => setTimeout(r, wait));
      }
      page.at = 'end';
      page.send({ type: 'pause' });
      await page.owner.settled();
      expect(page.of('gpu-problem'), `seed ${seed}`).toEqual([]);
      expect(page.faults, `seed ${seed}: action-errors the page shows for commands it offers`).toEqual([]);
      // The last configuration sent, the random one itself, was answered for its generation: built,
      // or refused naming the setting to change (the run before it kept).
      const last = page.sentGeneration;
      const built = page.of('configured').find((m) => m.generation === last);
      const refused = page.of('config-error').find((m) => m.generation === last);
      expect(built || refused, `seed ${seed}: configuration ${last} was not answered`).toBeTruthy();
      if (refused) expect(refused.setting, `seed ${seed}: configuration ${last} refused naming no setting: ${refused.message}`).not.toBeNull();
      // The run in place, as the page shows it, is that configuration's, or the one kept: it trains
      // from the seed again, steps 1 and 2 of its generation for every model.
      const inPlace = built ? last : refused!.live;
      expect(inPlace, `seed ${seed}: configuration ${last} refused with no run kept`).not.toBeNull();
      expect([page.generation, page.configuredGeneration], `seed ${seed}: the page's run`).toEqual([inPlace, inPlace]);
      const from = page.messages.length;
      page.run({ type: 'reset' });
      page.run({ type: 'step' });
      page.run({ type: 'step' });
      await page.owner.settled();
      expect(page.faults, `seed ${seed}: action-errors the page shows for commands it offers`).toEqual([]);
      for (const m of page.configured!) {
        const steps = page.messages.slice(from).flatMap((r) => (r.type === 'steps' && r.generation === inPlace && r.modelId === m.id ? r.reports.map((x) => x.step) : []));
        expect(steps, `seed ${seed}: model ${m.id} of configuration ${inPlace}`).toEqual([1, 2]);
      }
      expect(page.of('gpu-problem'), `seed ${seed}`).toEqual([]);
      expect(page.of('running').at(-1)?.running ?? false).toBe(false);
      await page.owner.close();
    }
  }, 600_000);
});
