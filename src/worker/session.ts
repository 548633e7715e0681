// The training session inside the worker: the loaded data, the models of the current run (one,
// or up to three compared on the same batches), and the loop that trains them. The loop submits
// steps without waiting for results; reports flow back from asynchronous readbacks and are sent
// to the page in small batches. A command (pause, configure, reset) takes effect between steps.

import type { Dataset } from '../data';
import { Random } from '../data/random';
import type { KernelContext } from '../kernels/registry';
import type { ModelConfig } from '../models';
import { slotModelConfig } from '../models/registry';
import { defaultOptimizer } from '../train/optimizers';
import { probeTrainer } from '../train/probes';
import { decodeFreeRunning, forecast, sampleText, type Decoded } from '../train/sampling';
import { BpttStepper } from '../train/stepThrough';
import { parseWeights, weightsJson } from '../train/weights';
import { Trainer, type StepStats, type TrainerConfig } from '../train/trainer';
import type { DecodeScores, FromWorker, ModelSlot, RunConfig, StepReport } from './protocol';
import { makeBatchSource } from './dataSource';
import { sliceSteps, type BatchSource } from './source';

interface ModelRun {
  slot: ModelSlot;
  trainer: Trainer;
  pending: StepReport[];
  stepMs: number[];
  halted: boolean;
}

const REPORT_EVERY_MS = 100;
/** How often trained parameters are copied to the CPU, so a lost GPU device loses little. */
const SNAPSHOT_EVERY_MS = 2000;
const PROBE_EVERY_MS = 400;

export class Session {
  private run: RunConfig | null = null;
  private models: ModelRun[] = [];
  private running = false;
  private loop: Promise<void> | null = null;
  private rng = new Random(1);
  private lastReport = 0;
  private lastProbe = 0;
  private probing = false;
  private probeSample = 0;
  private probeLayer = 0;
  private window = 0;
  private stepper: BpttStepper | null = null;
  private snapshots = new Map<string, Record<string, Float32Array>>();
  private lastSnapshot = 0;

  private source: BatchSource | null = null;
  private dataset: Dataset | null = null;

  constructor(
    private readonly ctx: KernelContext,
    private readonly send: (m: FromWorker) => void,
  ) {}

  /** A new dataset; the current run keeps training on the old one until it is configured again. */
  setDataset(dataset: Dataset): void {
    this.dataset = dataset;
  }

  get hasDataset(): boolean {
    return this.dataset !== null;
  }

  get isRunning(): boolean {
    return this.running;
  }

  /** Builds the run's models (fresh parameters from the seed). Stops training first. */
  async configure(run: RunConfig, initial?: Map<string, Record<string, Float32Array>>): Promise<void> {
    if (!this.dataset) throw new Error('Load a dataset before configuring a run.');
    // Everything that can reject the run happens before the current one is torn down.
    const source = makeBatchSource(this.dataset, run.data, run.training.seqLen);
    const configs = run.models.map((slot, i) => trainerConfig(slot, run, source, run.seed + i));
    await this.pause();
    this.stopWalk();
    for (const m of this.models) m.trainer.destroy();
    this.models = [];
    this.source = source;
    this.run = run;
    this.rng = new Random(run.seed);
    this.window = 0;
    this.snapshots = new Map(initial ?? []);
    for (const [i, slot] of run.models.entries()) {
      const trainer = await Trainer.create(this.ctx, configs[i], initial?.get(slot.id));
      this.models.push({ slot, trainer, pending: [], stepMs: [], halted: false });
    }
    this.send({
      type: 'configured',
      models: this.models.map((m) => ({
        id: m.slot.id,
        parameters: m.trainer.layout.fields.reduce((s, f) => s + f.size, 0),
        schedule: m.trainer.encoder.schedule,
        names: m.trainer.layout.fields.map((f) => f.name),
        seqLen: m.trainer.cfg.seqLen,
      })),
    });
    // The untrained models' validation loss: where every validation curve starts.
    await this.validateIfDue(true);
  }

  async play(): Promise<void> {
    if (this.running || this.models.length === 0) return;
    this.stopWalk();
    this.running = true;
    this.send({ type: 'running', running: true });
    this.loop = this.runLoop();
    await this.loop;
  }

  async pause(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    await this.loop;
    this.loop = null;
    this.send({ type: 'running', running: false });
    await this.snapshot();
  }

  /** One training step of every model, then a probe, while paused. */
  async stepOnce(): Promise<void> {
    if (this.running || this.models.length === 0) return;
    this.stopWalk();
    await this.trainWindow();
    await this.validateIfDue(true);
    this.flushReports(true);
    await this.probe();
    await this.snapshot();
  }

  /** Copies every model's parameters to the CPU (fire and forget from the loop). */
  async snapshot(): Promise<void> {
    for (const m of this.models) {
      try {
        this.snapshots.set(m.slot.id, await m.trainer.readParams());
      } catch {
        // The device went away mid-read: keep the previous snapshot.
      }
    }
  }

  /**
   * What survives the loss of the GPU device: the dataset, the run and the last parameters read
   * back. `restore` on a session of a new device continues from there.
   */
  exportState(): { dataset: Dataset | null; run: RunConfig | null; snapshots: Map<string, Record<string, Float32Array>> } {
    return { dataset: this.dataset, run: this.run, snapshots: new Map(this.snapshots) };
  }

  async restore(state: ReturnType<Session['exportState']>): Promise<void> {
    if (state.dataset) this.setDataset(state.dataset);
    if (state.dataset && state.run) await this.configure(state.run, state.snapshots);
  }

  /** Same run, parameters re-initialised from the seed. */
  async reset(): Promise<void> {
    if (this.run) await this.configure(this.run);
  }

  /** Stops the loop without touching the GPU (the device is gone); state stays exportable. */
  halt(): void {
    this.running = false;
    this.stepper = null;
  }

  setProbe(sample: number, layer: number): void {
    this.probeSample = sample;
    this.probeLayer = layer;
    if (!this.running) void this.probe();
  }

  private async runLoop(): Promise<void> {
    while (this.running) {
      const start = performance.now();
      await this.trainWindow();
      await this.validateIfDue(false);
      const now = performance.now();
      if (now - this.lastReport > REPORT_EVERY_MS) this.flushReports(false);
      if (now - this.lastSnapshot > SNAPSHOT_EVERY_MS) {
        this.lastSnapshot = now;
        void this.snapshot();
      }
      if (now - this.lastProbe > PROBE_EVERY_MS && !this.probing) {
        this.lastProbe = now;
        void this.probe();
      }
      if (this.models.every((m) => m.halted)) {
        this.running = false;
        this.send({ type: 'running', running: false });
        break;
      }
      const speed = this.run?.training.speed ?? 'max';
      const minMs = typeof speed === 'number' && speed > 0 ? 1000 / speed : 0;
      const wait = Math.max(0, minMs - (performance.now() - start));
      // Yield to the worker's message queue even at full speed, so pause and configure get in.
      await new Promise((r) => setTimeout(r, wait));
    }
    this.flushReports(true);
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
        const x = k < T ? sliceSteps(batch.x, B, T, source.inputSize, c * k, k) : batch.x;
        const y = k < T && source.task === 'many-to-many' ? sliceSteps(batch.y, B, T, source.loss === 'mse' ? source.outputSize : 1, c * k, k) : batch.y;
        m.trainer.setBatch(x, y);
        m.trainer.step((s) => this.onStats(m, s));
      }
      // Between windows (never inside a step) wait for the GPU, so the time is the model's own,
      // GPU included, and the queue never runs ahead of the page.
      await this.ctx.device.queue.onSubmittedWorkDone();
      m.stepMs.push((performance.now() - t0) / chunks);
    }
  }

  private onStats(m: ModelRun, s: StepStats): void {
    m.pending.push({ step: s.step, loss: s.loss, gradNorm: s.gradNorm, clipScale: s.clipScale, nonFinite: s.nonFinite, paramNorms: s.paramNorms });
    if (s.nonFinite && !m.halted) {
      m.halted = true;
      const params = Object.entries(s.paramNorms)
        .filter(([, v]) => !Number.isFinite(v))
        .map(([k]) => k);
      this.send({ type: 'non-finite', modelId: m.slot.id, step: s.step, params: params.length ? params : ['(the loss)'] });
    }
  }

  private flushReports(force: boolean): void {
    this.lastReport = performance.now();
    for (const m of this.models) {
      if (m.pending.length === 0 && !force) continue;
      if (m.pending.length === 0) continue;
      // Wall time per optimizer step, GPU included (trainWindow waits for the queue per model).
      const ms = m.stepMs.length ? m.stepMs.reduce((a, b) => a + b, 0) / m.stepMs.length : 0;
      this.send({ type: 'steps', modelId: m.slot.id, reports: m.pending, msPerStep: ms });
      m.pending = [];
      m.stepMs = [];
    }
  }

  private async validateIfDue(force: boolean): Promise<void> {
    const run = this.run;
    const source = this.source;
    if (!run || !source) return;
    const every = Math.max(1, run.training.validateEvery);
    if (!force && this.window % every !== 0) return;
    const val = source.validation(run.training.batch);
    if (!val) return;
    const T = source.seqLen;
    const k = chunkLength(run.training.tbptt, T);
    for (const m of this.models) {
      if (m.halted) continue;
      // Validation runs the first chunk's worth of each window (the whole window without truncation).
      const x = k < T ? sliceSteps(val.x, run.training.batch, T, source.inputSize, 0, k) : val.x;
      const y = k < T && source.task === 'many-to-many' ? sliceSteps(val.y, run.training.batch, T, source.loss === 'mse' ? source.outputSize : 1, 0, k) : val.y;
      if (k < T) m.trainer.resetState();
      const { loss } = await m.trainer.evaluate(x, y);
      this.send({ type: 'validation', modelId: m.slot.id, step: m.trainer.optimizer.stepCount, loss });
    }
  }

  private async probe(): Promise<void> {
    if (this.probing) return;
    this.probing = true;
    try {
      for (const m of this.models) {
        const p = await probeTrainer(m.trainer, this.probeSample, this.probeLayer);
        this.send({ type: 'probe', probe: { modelId: m.slot.id, ...p } });
      }
    } finally {
      this.probing = false;
    }
  }

  async sampleText(modelId: string, prompt: string, length: number, temperature: number): Promise<string> {
    const m = this.models.find((x) => x.slot.id === modelId) ?? this.models[0];
    const vocab = this.source?.vocab;
    if (!m || !vocab) throw new Error('Sampling text needs a model trained on a character-level dataset.');
    return sampleText(this.ctx, m.trainer, vocab, { prompt, length, temperature, seed: m.trainer.optimizer.stepCount + 1 });
  }

  /**
   * Step-through BPTT on the first model: the first call runs the forward pass on a fresh batch
   * and walks the last timestep; each later call walks one step further back.
   */
  async bpttStep(sample: number): Promise<void> {
    await this.pause();
    const m = this.models[0];
    const source = this.source;
    if (!m || !source || !this.run) throw new Error('Configure a run before stepping through BPTT.');
    if (!this.stepper) {
      const { batch: B } = this.run.training;
      const T = source.seqLen;
      const k = chunkLength(this.run.training.tbptt, T);
      const batch = source.train(B, this.rng);
      if (k < T) m.trainer.resetState();
      const perTarget = source.loss === 'mse' ? source.outputSize : 1;
      m.trainer.setBatch(k < T ? sliceSteps(batch.x, B, T, source.inputSize, 0, k) : batch.x, k < T ? sliceSteps(batch.y, B, T, perTarget, 0, k) : batch.y);
      this.stepper = await BpttStepper.begin(m.trainer, sample);
    }
    const s = await this.stepper.step();
    if (!s) return;
    const done = this.stepper.done;
    if (done) this.stepper = null;
    this.send({ type: 'bptt', modelId: m.slot.id, t: s.t, T: s.T, norm: s.norm, dh: s.dh, done });
  }

  /** Abandons a walk in progress (the next walk starts again from the last step). */
  stopWalk(): void {
    this.stepper = null;
  }

  /** Runs a model over the first validation window and on past its end, in the data's units. */
  async forecast(modelId: string, horizon: number): Promise<void> {
    await this.pause();
    const m = this.models.find((x) => x.slot.id === modelId) ?? this.models[0];
    const source = this.source;
    if (!m || !source || !this.run) throw new Error('Configure a run before forecasting.');
    if (!source.forecastable) throw new Error('A forecast feeds predictions back as inputs: choose the same columns as inputs and targets.');
    const val = source.validation(this.run.training.batch) ?? source.train(this.run.training.batch, this.rng);
    const T = source.seqLen;
    const I = source.inputSize;
    const context = val.x.slice(0, T * I);
    const out = await forecast(this.ctx, m.trainer, context, Math.max(1, Math.min(horizon, 10 * T)));
    const first = (a: Float32Array, width: number) => Float32Array.from({ length: a.length / width }, (_, t) => a[t * width]);
    this.send({
      type: 'forecast',
      modelId: m.slot.id,
      column: source.targetNames[0],
      context: source.denormalize(0, first(context, I)),
      fit: source.denormalize(0, first(out.fit, I)),
      forecast: source.denormalize(0, first(out.forecast, I)),
    });
  }

  /** A model's weights file (src/train/weights.ts), read from the GPU as they are now. */
  async exportWeights(modelId: string, name: string): Promise<{ text: string; step: number }> {
    const m = this.models.find((x) => x.slot.id === modelId);
    if (!m) throw new Error('No such model in this run: configure it before downloading its weights.');
    const values = await m.trainer.readParams();
    const step = m.trainer.optimizer.stepCount;
    return { text: weightsJson({ name, step }, m.trainer.cfg, m.trainer.layout, values), step };
  }

  /**
   * Loads a weights file into one model. The run restarts from step 0: that model from the
   * file, the others from their current weights (optimizer state starts afresh for all). A file
   * that does not fit is refused before anything changes.
   */
  async loadWeights(modelId: string, file: string, text: string): Promise<void> {
    const m = this.models.find((x) => x.slot.id === modelId);
    if (!m || !this.run) throw new Error('No such model in this run: configure it before loading weights into it.');
    const values = parseWeights(text, file, m.trainer.layout, m.trainer.cfg.model);
    await this.pause();
    await this.snapshot();
    const initial = new Map(this.snapshots);
    initial.set(modelId, values);
    await this.configure(this.run, initial);
  }

  /** Decodes the validation batch of a sequence-to-sequence task with and without teacher forcing, every model. */
  async decode(): Promise<void> {
    await this.pause();
    const source = this.source;
    const run = this.run;
    if (!source || !run || this.models.length === 0) throw new Error('Configure a run before decoding.');
    if (!source.seq2seq) throw new Error('Decoding on the model\'s own outputs needs a sequence-to-sequence task (reverse or sort digits).');
    const B = run.training.batch;
    const batch = source.validation(B) ?? source.train(B, this.rng);
    const { sourceLength: S, targetLength: U } = source.seq2seq;
    const T = S + U;
    const target = Int32Array.from({ length: B * U }, (_, i) => batch.y[Math.floor(i / U) * T + S + (i % U)]);
    const shown = Math.min(B, DECODE_SHOWN);
    for (const m of this.models) {
      if (m.halted) continue;
      const d = await decodeFreeRunning(m.trainer, batch.x, S);
      // Leave the model's input, outputs and targets as one teacher-forced pass over this batch,
      // so that a probe read while paused pairs predictions with their own targets.
      await m.trainer.evaluate(batch.x, batch.y);
      this.send({
        type: 'decode',
        modelId: m.slot.id,
        step: m.trainer.optimizer.stepCount,
        samples: shown,
        targetLength: U,
        target: target.slice(0, shown * U),
        forced: d.forced.slice(0, shown * U),
        free: d.free.slice(0, shown * U),
        scores: decodeScores(target, d, U),
      });
    }
  }

  setSpeed(speed: number | 'max'): void {
    if (this.run) this.run = { ...this.run, training: { ...this.run.training, speed } };
  }

  destroy(): void {
    this.running = false;
    for (const m of this.models) m.trainer.destroy();
    this.models = [];
  }
}

/** Sequences of the validation batch whose decodings the page shows. */
const DECODE_SHOWN = 6;

/** Token and whole-sequence accuracy over the targets that count (a target below 0 is ignored). */
export function decodeScores(target: Int32Array, d: Decoded, U: number): DecodeScores {
  let tokens = 0;
  let forcedTokens = 0;
  let freeTokens = 0;
  let sequences = 0;
  let forcedSequences = 0;
  let freeSequences = 0;
  for (let b = 0; b < target.length / U; b++) {
    let counted = 0;
    let forcedRight = 0;
    let freeRight = 0;
    for (let k = b * U; k < (b + 1) * U; k++) {
      if (target[k] < 0) continue;
      counted++;
      if (d.forced[k] === target[k]) forcedRight++;
      if (d.free[k] === target[k]) freeRight++;
    }
    if (counted === 0) continue;
    tokens += counted;
    forcedTokens += forcedRight;
    freeTokens += freeRight;
    sequences++;
    if (forcedRight === counted) forcedSequences++;
    if (freeRight === counted) freeSequences++;
  }
  const frac = (n: number, of: number) => (of > 0 ? n / of : 0);
  return {
    forcedTokens: frac(forcedTokens, tokens),
    freeTokens: frac(freeTokens, tokens),
    forcedSequences: frac(forcedSequences, sequences),
    freeSequences: frac(freeSequences, sequences),
  };
}

/**
 * The model a slot trains. On a sequence-to-sequence task the recurrent kinds become an
 * encoder-decoder; Mamba reads the same window as one sequence (the source, then the shifted
 * target: a decoder-only model, causal, so each output sees the source and the targets before it).
 */
export function modelConfig(slot: ModelSlot, inputSize: number, source?: Pick<BatchSource, 'seq2seq'>): ModelConfig {
  return slotModelConfig(slot, inputSize, source);
}

/** The truncated-BPTT chunk: `tbptt` steps when it is shorter than the window, else the window. */
export function chunkLength(tbptt: number, T: number): number {
  return tbptt > 0 && tbptt < T ? tbptt : T;
}

export function trainerConfig(slot: ModelSlot, run: RunConfig, source: BatchSource, seed: number): TrainerConfig {
  const { training } = run;
  const T = source.seqLen;
  const k = chunkLength(training.tbptt, T);
  if (source.seq2seq && slot.kind !== 'mamba') {
    if (slot.bidirectional) throw new Error("An encoder-decoder's encoder reads the source one way here: the decoder starts from the encoder's final state. Untick Bidirectional.");
    if (k < T) throw new Error('An encoder-decoder reads the whole source before the decoder starts: truncated BPTT does not apply. Set the BPTT length to 0.');
  }
  if (slot.kind === 'mamba' && k < T) throw new Error('Mamba carries no state from one window to the next: truncated BPTT does not apply. Set the BPTT length to the window length (or 0).');
  if (source.task === 'many-to-one' && k < T) throw new Error('Truncated BPTT needs a target at every step: it does not apply to many-to-one tasks.');
  if (slot.bidirectional && k < T) throw new Error('A bidirectional model reads the whole window: truncated BPTT does not apply.');
  if (slot.initialState === 'learned' && k < T) throw new Error('With truncated BPTT each chunk starts from the state carried over, so a learned initial state does not apply: choose zeros.');
  return {
    model: modelConfig(slot, source.inputSize, source),
    inputSize: source.inputSize,
    outputSize: source.outputSize,
    task: source.task,
    loss: source.loss,
    batch: training.batch,
    seqLen: k,
    optimizer: { ...defaultOptimizer(training.optimizer), lr: training.lr },
    clipNorm: training.clip,
    carryState: k < T,
    seed,
  };
}
