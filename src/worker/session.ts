// The training session inside the worker: the loaded data, the models of the current run (one,
// or up to three compared on the same batches), and one training window at a time. The run owner
// (./owner.ts) calls every method from its one command queue, so no two of them ever run at once:
// training is `tick()` called again and again while the run plays, and a command waits at most
// one window. Reports flow back from asynchronous readbacks, in small batches.

import type { Dataset } from '../data';
import { chunk, type BatchSource } from '../data';
import { Random } from '../data/random';
import { retireAfterGpu } from '../gpu/lifetime';
import type { KernelContext } from '../kernels/registry';
import { probeTrainer } from '../train/probes';
import { Trainer, type StepStats } from '../train/trainer';
import { configuredReply } from './configured';
import { ModelHistory } from './history';
import type { FromWorker, ModelSlot, RunConfig, RunReply } from './protocol';
import { probeReport, type LoadedBatch } from './probeReport';
import { RunRequests } from './requests';
import { restoreOptions, Snapshots, type Params, type ResumePoint } from './snapshot';
import { chunkLength, prepareSource, RunConfigError, sameRunSettings, sameSlot, slotSeed, trainerConfig } from './runConfig';
import { stopAfterWindow } from './stopConditions';

export interface ModelRun {
  slot: ModelSlot;
  trainer: Trainer;
  pending: StepStats[];
  stepMs: number[];
  halted: boolean;
  /** Where the windows the trainer holds now lie in the table (what its probe shows). */
  loaded: LoadedBatch | null;
  /** The losses sent to the page, kept for a saved run (./history.ts). */
  history: ModelHistory;
}

export interface ConfigureOptions {
  /** The page's number for this configuration (replies carry it). Defaults to the current one. */
  generation?: number;
  /** Parameters to start from, per slot id (a weights file, a run restored after a lost device). */
  initial?: Map<string, Record<string, Float32Array>>;
  /** Rebuild every model even where its slot is unchanged (reset, weights loaded). */
  fresh?: boolean;
  /**
   * A saved run to carry on exactly (with its parameters in `initial`): each model's optimizer
   * state and histories, the sampler's position. Its histories are sent instead of a validation.
   */
  resume?: ResumePoint;
  /** The data to build on, else the newest loaded (Reset and loaded weights pass the run's own). */
  dataset?: Dataset;
}

const REPORT_EVERY_MS = 100;
/** How often trained parameters are copied to the CPU, so a lost GPU device loses little. */
const SNAPSHOT_EVERY_MS = 2000;
const PROBE_EVERY_MS = 400;

export class Session {
  private run: RunConfig | null = null;
  private gen = 0;
  private models: ModelRun[] = [];
  private running = false;
  /** A model met a non-finite step: the run pauses at the end of this window. */
  private pauseRequested = false;
  private rng = new Random(1);
  private lastReport = 0;
  private lastProbe = 0;
  private lastSnapshot = 0;
  private probeSample = 0;
  private probeLayer = 0;
  private window = 0;
  private readonly snapshots = new Snapshots();

  private source: BatchSource | null = null;
  /** The dataset the current source was prepared from (a newer one may be loaded meanwhile). */
  private sourceDataset: Dataset | null = null;
  private dataset: Dataset | null = null;
  /** Requests on the built run that answer with something to show or save (./requests.ts). */
  readonly requests: RunRequests;

  constructor(
    readonly ctx: KernelContext,
    private readonly sendRaw: (m: FromWorker) => void,
  ) {
    this.requests = new RunRequests(this);
  }

  /** Sends a reply about the current run, stamped with its generation. */
  reply(message: DistributiveOmit<RunReply, 'generation'>): void {
    this.sendRaw({ ...message, generation: this.gen } as FromWorker);
  }

  /** A new dataset; the current run keeps training on the old one until it is configured again. */
  setDataset(dataset: Dataset): void {
    this.dataset = dataset;
  }

  get isRunning(): boolean {
    return this.running;
  }

  /** The generation of the run in place, or null before the first one is built. */
  get generation(): number | null {
    return this.run ? this.gen : null;
  }

  get runConfig(): RunConfig | null {
    return this.run;
  }

  /** The dataset the run in place trains on (a newer one may be loaded, waiting for a configuration). */
  get runDataset(): Dataset | null {
    return this.sourceDataset;
  }

  get batchSource(): BatchSource | null {
    return this.source;
  }

  get modelRuns(): readonly ModelRun[] {
    return this.models;
  }

  get random(): Random {
    return this.rng;
  }

  /** Training windows since the run was built (validation is due every `validateEvery`). */
  get windows(): number {
    return this.window;
  }

  /**
   * Builds the run. Models whose slot is unchanged, on the same data and training settings, keep
   * their parameters, optimizer state and steps; the others start from the seed (or `initial`).
   * Everything that can refuse the run, the GPU build included, happens before the run in place
   * changes: a refusal leaves it training as it was. Playing or paused, it stays so.
   */
  async configure(run: RunConfig, options: ConfigureOptions = {}): Promise<void> {
    const dataset = options.dataset ?? this.dataset;
    if (!dataset) throw new RunConfigError('Load a dataset before configuring a run.', null);
    const generation = options.generation ?? this.gen;
    const incremental = !options.fresh && !options.initial && this.run !== null && this.sourceDataset === dataset && sameRunSettings(this.run, run);
    const source = incremental && this.source ? this.source : prepareSource(dataset, run);
    const configs = run.models.map((slot, i) => trainerConfig(slot, run, source, slotSeed(run, slot, i)));
    const kept = new Map<string, ModelRun>();
    if (incremental) {
      for (const m of this.models) {
        const slot = run.models.find((s) => s.id === m.slot.id);
        if (slot && sameSlot(slot, m.slot)) kept.set(slot.id, m);
      }
    }
    const built = new Map<string, ModelRun>();
    try {
      for (const [i, slot] of run.models.entries()) {
        if (kept.has(slot.id)) continue;
        const trainer = await Trainer.create(this.ctx, configs[i], options.initial?.get(slot.id));
        const saved = options.resume?.models.find((m) => m.id === slot.id);
        built.set(slot.id, { slot, trainer, pending: [], stepMs: [], halted: false, loaded: null, history: saved ? ModelHistory.from(saved.history) : new ModelHistory() });
        if (saved) trainer.optimizer.writeState(this.ctx.device, saved.optimizer);
      }
    } catch (error) {
      await retireAfterGpu(this.ctx.device, [...built.values()].map((m) => m.trainer));
      throw error;
    }

    this.requests.stopWalk();
    const joinedAt = kept.size > 0 ? ([...kept.values()][0].trainer.optimizer.stepCount ?? 0) : null;
    const retired = this.models.filter((m) => !kept.has(m.slot.id));
    this.models = run.models.map((slot) => {
      const m = kept.get(slot.id) ?? built.get(slot.id)!;
      m.slot = slot;
      return m;
    });
    await retireAfterGpu(this.ctx.device, retired.map((m) => m.trainer));
    if (!incremental) {
      this.rng = new Random(run.seed);
      this.window = options.resume?.window ?? 0;
      if (options.resume) this.rng.setState(options.resume.random);
      this.snapshots.params = new Map(options.initial ?? []);
    } else {
      for (const m of retired) this.snapshots.params.delete(m.slot.id);
    }
    // Until the next snapshot reads one for these models.
    this.snapshots.resume = null;
    this.source = source;
    this.sourceDataset = dataset;
    this.run = run;
    this.gen = generation;
    this.pauseRequested = false;
    if (this.running && this.models.every((m) => m.halted)) this.setRunning(false);
    this.reply(configuredReply(this.models, source, run.training.batch, new Set(kept.keys()), joinedAt));
    if (options.resume) {
      // A reopened run: its loss chart as it was when saved.
      for (const m of this.models) {
        this.reply({ type: 'steps', modelId: m.slot.id, reports: m.history.stepReports(), msPerStep: 0 });
        for (const v of m.history.validations()) this.reply({ type: 'validation', modelId: m.slot.id, step: v.step, loss: v.loss });
      }
      return;
    }
    // The untrained models' validation loss: where every validation curve starts.
    await this.validate(this.models.filter((m) => built.has(m.slot.id)));
  }

  /** Starts playing (the owner then calls tick() until it pauses); false when nothing can train. */
  play(): boolean {
    if (this.running || this.models.length === 0 || this.models.every((m) => m.halted)) return false;
    this.requests.stopWalk();
    this.pauseRequested = false;
    this.setRunning(true);
    return true;
  }

  async pause(reason?: string): Promise<void> {
    if (!this.running) return;
    this.setRunning(false, reason);
    this.flushReports();
    await this.snapshot();
  }

  private setRunning(running: boolean, reason?: string): void {
    this.running = running;
    this.sendRaw(reason ? { type: 'running', running, reason } : { type: 'running', running });
  }

  /** The step the page counts: the first model's optimizer steps. */
  private get step(): number {
    return this.models[0]?.trainer.optimizer.stepCount ?? 0;
  }

  /** Why to pause after this window (./stopConditions.ts), or null; at "Pause at step" every model is validated at that step. */
  private async stopCondition(stepBefore: number, validated: boolean): Promise<string | null> {
    const sinceBest = this.models.filter((m) => !m.halted).map((m) => m.history.evaluationsSinceBest());
    const stop = stopAfterWindow(this.run?.training ?? {}, { stepBefore, step: this.step, validated, sinceBest });
    if (stop?.kind === 'step' && !validated) await this.validate(this.models);
    return stop?.reason ?? null;
  }

  /**
   * One training window of every model while playing, then what is due: validation, reports,
   * a snapshot, a probe. Returns how long to wait before the next window (the speed setting).
   */
  async tick(): Promise<number> {
    if (!this.running) return 0;
    const start = performance.now();
    const stepBefore = this.step;
    await this.trainWindow();
    const validated = await this.validateIfDue();
    const stop = await this.stopCondition(stepBefore, validated);
    const now = performance.now();
    if (now - this.lastReport > REPORT_EVERY_MS) this.flushReports();
    if (now - this.lastSnapshot > SNAPSHOT_EVERY_MS) {
      this.lastSnapshot = now;
      await this.snapshot();
    }
    if (now - this.lastProbe > PROBE_EVERY_MS) {
      this.lastProbe = now;
      await this.probe();
    }
    // The worker decides: a non-finite step pauses the run (the model stays stopped until a reset),
    // and so does a stop condition of the training settings.
    if (this.pauseRequested || this.models.every((m) => m.halted) || stop) {
      this.pauseRequested = false;
      await this.pause(stop ?? undefined);
      return 0;
    }
    const speed = this.run?.training.speed ?? 'max';
    const minMs = typeof speed === 'number' && speed > 0 ? 1000 / speed : 0;
    return Math.max(0, minMs - (performance.now() - start));
  }

  /** One training step of every model, then a probe, while paused. */
  async stepOnce(): Promise<void> {
    if (this.running || this.models.length === 0) return;
    this.requests.stopWalk();
    await this.trainWindow();
    await this.validate(this.models);
    // The step's readbacks land with the GPU work; wait for them so its report goes out now.
    await Promise.all(this.models.map((m) => m.trainer.idle()));
    this.flushReports();
    await this.probe();
    await this.snapshot();
  }

  /** Copies every model's parameters, optimizer state and history to the CPU at one step; a failed read keeps the last. */
  async snapshot(): Promise<void> {
    await this.snapshots.take(this.models, this.ctx.device, this.rng, this.window);
  }

  /** What survives a lost GPU device: the dataset, the run and the last snapshot; `restore` on a new device carries on. */
  exportState(): { dataset: Dataset | null; run: RunConfig | null; generation: number; snapshots: Map<string, Params>; resume: ResumePoint | null } {
    return { dataset: this.dataset, run: this.run, generation: this.gen, snapshots: new Map(this.snapshots.params), resume: this.snapshots.resume };
  }

  async restore(state: ReturnType<Session['exportState']>): Promise<void> {
    if (state.dataset) this.setDataset(state.dataset);
    if (!state.dataset || !state.run) return;
    await this.configure(state.run, restoreOptions({ ...state, run: state.run }));
  }

  /** Same run, parameters re-initialised from the seed. */
  async reset(): Promise<void> {
    if (this.run && this.sourceDataset) await this.configure(this.run, { fresh: true, dataset: this.sourceDataset });
  }

  /** Stops without touching the GPU (the device is gone); state stays exportable. */
  halt(): void {
    this.running = false;
    this.requests.stopWalk();
  }

  async setProbe(sample: number, layer: number): Promise<void> {
    this.probeSample = sample;
    this.probeLayer = layer;
    if (!this.running) await this.probe();
  }

  /** One window for every model: one step, or one step per truncated-BPTT chunk. */
  private async trainWindow(): Promise<void> {
    const run = this.run;
    const source = this.source;
    if (!run || !source) return;
    const { batch: B, tbptt } = run.training;
    const T = source.seqLen;
    const batch = source.train(B, this.rng);
    const k = chunkLength(tbptt, T);
    const chunks = Math.floor(T / k);
    this.window++;
    for (const m of this.models) {
      if (m.halted) continue;
      const t0 = performance.now();
      if (k < T) m.trainer.resetState();
      for (let c = 0; c < chunks; c++) {
        const { x, y } = chunk(source, batch, B, c, k);
        m.trainer.setBatch(x, y);
        m.trainer.step((s) => this.onStats(m, s));
      }
      m.loaded = { rows: batch.rows, offset: (chunks - 1) * k };
      // Between windows (never inside a step) wait for the GPU, so the time is the model's own,
      // GPU included, and the queue never runs ahead of the page.
      await this.ctx.device.queue.onSubmittedWorkDone();
      m.stepMs.push((performance.now() - t0) / chunks);
    }
  }

  private onStats(m: ModelRun, s: StepStats): void {
    // A model retired meanwhile (removed from the comparison) reports nothing more.
    if (!this.models.includes(m)) return;
    m.pending.push(s);
    m.history.addStep(s);
    if (s.nonFinite && !m.halted) {
      m.halted = true;
      this.pauseRequested = true;
      const params = Object.entries(s.paramNorms)
        .filter(([, v]) => !Number.isFinite(v))
        .map(([k]) => k);
      this.reply({ type: 'non-finite', modelId: m.slot.id, step: s.step, params: params.length ? params : ['(the loss)'] });
    }
  }

  private flushReports(): void {
    this.lastReport = performance.now();
    for (const m of this.models) {
      if (m.pending.length === 0) continue;
      // Wall time per optimizer step, GPU included (trainWindow waits for the queue per model).
      const ms = m.stepMs.length ? m.stepMs.reduce((a, b) => a + b, 0) / m.stepMs.length : 0;
      this.reply({ type: 'steps', modelId: m.slot.id, reports: m.pending, msPerStep: ms });
      m.pending = [];
      m.stepMs = [];
    }
  }

  /** Validates every model when a validation is due; whether it was. */
  private async validateIfDue(): Promise<boolean> {
    const every = Math.max(1, this.run?.training.validateEvery ?? 1);
    if (this.window % every !== 0) return false;
    await this.validate(this.models);
    return true;
  }

  private async validate(models: ModelRun[]): Promise<void> {
    for (const m of models) {
      if (m.halted) continue;
      const loss = await this.validationLoss(m);
      if (loss === null) continue;
      m.history.addValidation(m.trainer.optimizer.stepCount, loss);
      this.reply({ type: 'validation', modelId: m.slot.id, step: m.trainer.optimizer.stepCount, loss });
    }
  }

  /**
   * A model's loss on the validation batch, or null without one. It runs the first chunk's worth
   * of each window (the whole window without truncation), from a zero state.
   */
  async validationLoss(m: ModelRun): Promise<number | null> {
    const run = this.run;
    const source = this.source;
    const val = run && source ? source.validation(run.training.batch) : null;
    if (!run || !source || !val) return null;
    const T = source.seqLen;
    const k = chunkLength(run.training.tbptt, T);
    const { x, y } = chunk(source, val, run.training.batch, 0, k);
    if (k < T) m.trainer.resetState();
    const { loss } = await m.trainer.evaluate(x, y);
    m.loaded = { rows: val.rows, offset: 0 };
    return loss;
  }

  private async probe(): Promise<void> {
    for (const m of this.models) {
      const p = await probeTrainer(m.trainer, this.probeSample, this.probeLayer);
      this.reply({ type: 'probe', probe: probeReport(m.slot.id, p, this.source, m.loaded) });
    }
  }

  /**
   * Loads a weights file (JSON or safetensors) into one model. The run restarts from step 0: that model from the
   * file, the others from their current weights (optimizer state starts afresh for all). A file
   * that does not fit is refused before anything changes.
   */
  async loadWeights(modelId: string, file: string, bytes: ArrayBuffer): Promise<void> {
    const values = this.requests.parseWeightsFor(modelId, file, bytes);
    await this.pause();
    await this.snapshot();
    const initial = new Map(this.snapshots.params);
    initial.set(modelId, values);
    await this.configure(this.run!, { initial, dataset: this.sourceDataset ?? undefined });
  }

  setSpeed(speed: number | 'max'): void {
    if (this.run) this.run = { ...this.run, training: { ...this.run.training, speed } };
  }

  /** Destroys every model's GPU resources once the work submitted so far has completed. */
  async retire(): Promise<void> {
    this.running = false;
    this.requests.stopWalk();
    const models = this.models;
    this.models = [];
    await retireAfterGpu(this.ctx.device, models.map((m) => m.trainer));
  }

  /** Destroys at once: for a session whose device is gone, or tests that have awaited everything. */
  destroy(): void {
    this.running = false;
    for (const m of this.models) m.trainer.destroy();
    this.models = [];
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
