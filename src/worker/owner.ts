// The one owner of a run. Every command from the page goes into one queue (./queue.ts) and runs
// to completion before the next: building a run, a training window, a probe, a forecast, loading
// weights. Nothing touches the GPU or the run concurrently, so nothing is destroyed under a
// pending submit and no error scope catches another command's error. The owner, not the page,
// decides the run's life: it keeps playing through a new configuration, pauses on a non-finite
// step, keeps the last good run when a new one is refused, and brings the run back after a lost
// device. Datasets parse beside the queue (they do not touch the GPU); the latest one asked for wins.
// It also saves the run between windows (./saver.ts) and opens saved runs exactly as they were.

import { isDataError, type Dataset } from '../data';
import { loadDataset, Loads, shapeLoaded, type Loaded } from './loading';
import { actionName } from './actionNames';
import type { Gpu } from '../gpu/device';
import type { BackendChoice } from './backend';
import { GpuError } from '../gpu/errors';
import { kernelContext } from '../kernels/registry';
import { summarize } from './summary';
import type { RunStore } from './persist';
import type { DataShape, DataSource, DataSummary, FromWorker, RunCommand, ToWorker } from './protocol';
import { Generations } from './generation';
import { CommandQueue, type Command } from './queue';
import { RunConfigError } from './runConfig';
import { captureMove, restoreMove, type Moving } from './move';
import { QUIET_SAVE_MS, RunSaver, type DataOrigin } from './saver';
import { RunProber, type RunProbeDeps } from './runProbe';
import { gpuSelfTest } from './selftest';
import { Session } from './session';

export interface OwnerDeps {
  send(message: FromWorker): void;
  /** Acquires a device on the backend asked for ('auto' at start), reporting later problems (errors, loss) to `onProblem`. */
  acquire(onProblem: (problem: GpuError) => void, backend: BackendChoice): Promise<Gpu>;
  /** Where runs are saved (IndexedDB); without one, nothing is saved. */
  store?: Promise<RunStore> | null;
  /** The run's own backend probe (./runProbe.ts); without one, runs are never timed. */
  runProbe?: RunProbeDeps | null;
}

/** Commands after which the run holds something a save would keep. */
const CHANGES_RUN = new Set<Command['type']>(['configure', 'step', 'reset', 'load-weights']);
/** Commands after which the run may have a shape, or a device, its backend probe has not timed. */
const NEW_SHAPE = new Set<Command['type']>(['configure', 'open-run', 'init', 'switch-backend']);

const NO_GPU = 'No GPU device is available: reconnect the GPU (the button above), then the run is built.';

export class RunOwner {
  private readonly queue = new CommandQueue();
  private readonly generations = new Generations();
  private gpu: Gpu | null = null;
  private session: Session | null = null;
  private dataset: Dataset | null = null;
  /** The latest file or built-in as parsed, for a reshape to read again (./loading.ts). */
  private readonly loads = new Loads();
  /** What the page was last told of the dataset in place, told again after a lost device. */
  private summary: DataSummary | null = null;
  /** The newest load the page asked for: older ones that finish later are dropped. */
  private latestRequest = -1;
  /** What a lost device leaves behind, restored by the next 'init' (the Reconnect button). */
  private saved: ReturnType<Session['exportState']> | null = null;
  /** The backend asked for: 'auto' until the page switches (the GPU panel). */
  private backend: BackendChoice = 'auto';
  /** A run moving to the other backend: its whole state, read before the old device went. */
  private moving: Moving | null = null;
  private stopped = false;
  private readonly done: Promise<void>;
  private readonly saver: RunSaver;
  /** Where each dataset came from, so a saved run can make it again. */
  private readonly origins = new WeakMap<Dataset, DataOrigin>();
  private quietSave: ReturnType<typeof setTimeout> | undefined;
  private readonly prober: RunProber;

  constructor(private readonly deps: OwnerDeps) {
    this.saver = new RunSaver(deps.store ?? null, deps.send);
    this.prober = new RunProber(deps.runProbe ?? null, deps.send);
    this.done = this.pump();
  }

  /** Queues a command from the page; the runs list is answered beside the queue (it needs no GPU). */
  post(message: ToWorker): void {
    if (message.type === 'load-data' || message.type === 'open-run') this.latestRequest = Math.max(this.latestRequest, message.request);
    // A cancel, or anything that changes the run, stops a generation between two tokens.
    if (this.generations.notice(message)) return;
    if (!this.saver.answer(message)) this.queue.push(message);
  }

  /** Resolves when the queue is empty and the run is not playing (tests wait on this). */
  async settled(): Promise<void> {
    while (this.queue.length > 0 || this.busy || this.session?.isRunning) await new Promise((r) => setTimeout(r, 5));
  }

  /** Stops the queue and destroys the run once its GPU work is done. */
  async close(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.quietSave);
    this.queue.push({ type: 'pause' });
    await this.done;
    await this.session?.retire();
  }

  private busy = false;

  private async pump(): Promise<void> {
    while (!this.stopped) {
      const command = this.queue.shift();
      if (command) {
        this.busy = true;
        const before = this.session;
        try {
          await this.execute(command);
          if (CHANGES_RUN.has(command.type)) this.runChanged(command.type !== 'step');
          if (NEW_SHAPE.has(command.type) && this.session && this.gpu && this.prober.due(this.session, this.gpu, this.backend)) this.queue.push({ type: 'run-probe' });
        } catch (error) {
          // A command cut short by a lost device says nothing more: the loss is reported once.
          if (!before || this.session === before) this.reportProblem(error);
        } finally {
          this.busy = false;
        }
        continue;
      }
      const session = this.session;
      if (session?.isRunning) {
        let wait = 0;
        this.busy = true;
        try {
          wait = await session.tick();
          this.saver.changed(session);
          if (this.saver.due) await this.save();
        } catch (error) {
          if (this.session === session) {
            session.halt();
            this.deps.send({ type: 'running', running: false });
            this.reportProblem(error);
          }
        } finally {
          this.busy = false;
        }
        // Yield to the worker's message events even at full speed, so commands get in.
        await this.queue.waitForCommand(wait);
        continue;
      }
      await this.queue.waitForCommand();
    }
  }

  private async execute(command: Command): Promise<void> {
    switch (command.type) {
      case 'init':
        if (command.backend) this.backend = command.backend;
        return this.init();
      case 'load-data':
        return this.startLoad(command.source, command.request, command.shape);
      case 'dataset-ready':
        return command.apply();
      case 'open-run':
        return this.openRun(command.id, command.request, command.generation);
      case 'save-run':
        return this.save();
      case 'switch-backend':
        return this.switchBackend(command.backend);
      case 'run-probe': // queued like any command, so never beside a step
        return this.prober.probe(this.session, this.gpu, this.backend);
      case 'debug-lose-device':
        // For tests and the curious: what happens when the driver takes the device away.
        await this.session?.snapshot();
        this.gpu?.device.destroy();
        return;
    }
    const session = this.session;
    if (command.type === 'configure') {
      if (!session) {
        this.deps.send({ type: 'config-error', generation: command.generation, live: null, message: NO_GPU, setting: null });
        return;
      }
      try {
        await session.configure(command.run, { generation: command.generation });
      } catch (error) {
        this.deps.send({
          type: 'config-error',
          generation: command.generation,
          live: session.generation,
          message: (error as Error)?.message ?? String(error),
          setting: error instanceof RunConfigError ? error.setting : null,
        });
      }
      return;
    }
    if (!session) {
      if ('generation' in command) this.refuse(command, command.generation, NO_GPU);
      return;
    }
    switch (command.type) {
      case 'play':
        session.play();
        return;
      case 'pause':
        await session.pause();
        return this.save();
      case 'set-speed':
        session.setSpeed(command.speed);
        return;
      case 'probe':
        return session.setProbe(command.sample, command.layer);
      case 'bptt-stop':
        session.requests.stopWalk();
        return;
    }
    // A command about another run than the one in place was sent before the page moved on.
    if (command.generation !== session.generation) {
      this.refuse(command, command.generation, 'The run changed before this was done: try again.');
      return;
    }
    try {
      await this.runCommand(session, command);
    } catch (error) {
      if (error instanceof GpuError) throw error;
      this.refuse(command, command.generation, (error as Error)?.message ?? String(error));
    }
  }

  private async runCommand(session: Session, command: RunCommand): Promise<void> {
    switch (command.type) {
      case 'step':
        return session.stepOnce();
      case 'reset':
        return session.reset();
      case 'bptt-step':
        return session.requests.bpttStep(command.sample);
      case 'forecast':
        return session.requests.forecast(command.modelId, command.mode, command.horizon);
      case 'decode':
        return session.requests.decode();
      case 'load-weights':
        return session.loadWeights(command.modelId, command.file, command.bytes);
      case 'export-weights': {
        const contents = await session.requests.exportWeights(command.modelId, command.name, command.format);
        session.reply({ type: 'weights', modelId: command.modelId, ...contents });
        return;
      }
      case 'export-pytorch':
        session.reply({ type: 'pytorch-export', modelId: command.modelId, ...(await session.requests.exportPytorch(command.modelId, command.name)) });
        return;
      case 'generate':
        return this.generations.run(session, command);
    }
  }

  /** The run changed (a step, a new configuration): saved a moment later unless more follows. */
  private runChanged(configured: boolean): void {
    const session = this.session;
    if (!session) return;
    if (configured) this.saver.configured(session);
    this.saver.changed(session);
    clearTimeout(this.quietSave);
    if (!session.isRunning && this.saver.available) this.quietSave = setTimeout(() => this.queue.push({ type: 'save-run' }), QUIET_SAVE_MS);
  }

  /** Saves the run in place if anything is unsaved (reads the GPU now, writes in the background). */
  private async save(): Promise<void> {
    const session = this.session;
    const dataset = session?.runDataset;
    if (session && dataset) await this.saver.save(session, this.origins.get(dataset) ?? null);
  }

  /**
   * Opens a saved run: its data made again from its source, its models built with their saved
   * parameters and optimizer state, the sampler where it was: the next step is the one it would
   * have taken. The run in place is saved first; if the saved run cannot be opened it stays.
   */
  private async openRun(id: string, request: number, generation: number): Promise<void> {
    const session = this.session;
    const fail = (message: string) => this.deps.send({ type: 'data-error', request, message, detail: '' });
    if (!session) return fail(NO_GPU);
    const saved = await this.saver.load(id);
    if (!saved) return fail('That saved run is no longer in this browser.');
    await this.save();
    await session.pause();
    const { meta, state } = saved;
    const source: DataOrigin['source'] =
      meta.source.kind === 'builtin' ? { kind: 'builtin', id: meta.source.id, params: meta.source.params, seed: meta.source.seed } : { kind: 'file', name: meta.source.name, bytes: state.file ?? new ArrayBuffer(0), midiTrack: meta.source.midiTrack, midiEncoding: meta.source.midiEncoding };
    let loaded: Loaded;
    try {
      loaded = await loadDataset(source, () => undefined);
    } catch (error) {
      return fail(`The saved run's data could not be made again: ${(error as Error)?.message ?? String(error)}`);
    }
    const shaped = shapeLoaded(loaded, meta.shape);
    const dataset = shaped.dataset;
    this.loads.keep(loaded);
    this.dataset = dataset;
    this.origins.set(dataset, { source, shape: meta.shape });
    this.summary = summarize(dataset, shaped.description, shaped.warnings, shaped.layout);
    session.setDataset(dataset);
    this.deps.send({ type: 'run-opened', request, generation, meta, summary: this.summary });
    const initial = new Map(state.models.map((m) => [m.id, m.params]));
    try {
      await session.configure(meta.run, { generation, initial, resume: state });
    } catch (error) {
      if (error instanceof GpuError) throw error;
      this.deps.send({ type: 'config-error', generation, live: session.generation, message: (error as Error)?.message ?? String(error), setting: error instanceof RunConfigError ? error.setting : null });
      return;
    }
    this.saver.opened(meta);
  }

  /** A request that was not carried out: what was asked and why, for the page's alert. */
  private refuse(command: Command, generation: number, message: string): void {
    const action = command.type === 'load-weights' ? `load ${command.file}` : actionName(command.type);
    this.deps.send({ type: 'action-error', generation, action, message });
  }

  private async init(): Promise<void> {
    if (this.gpu && this.session) {
      this.deps.send({ type: 'gpu-ready', info: this.gpu.info, selfTest: await gpuSelfTest(this.session.ctx) });
      return;
    }
    let gpu: Gpu;
    const held: { gpu: Gpu | null } = { gpu: null };
    try {
      gpu = await this.deps.acquire((problem) => (problem.kind === 'device-lost' ? this.deviceLost(held.gpu, problem) : this.reportProblem(problem)), this.backend);
      held.gpu = gpu;
    } catch (error) {
      if (this.moving) {
        // The backend asked for gave no device: what the run had is kept for Reconnect, on either backend.
        this.saved = this.moving.exported;
        this.moving = null;
        this.backend = 'auto';
      }
      this.reportProblem(error);
      return;
    }
    const ctx = kernelContext(gpu.device);
    const session = new Session(ctx, (m) => this.deps.send(m));
    this.gpu = gpu;
    this.session = session;
    if (this.dataset) session.setDataset(this.dataset);
    this.deps.send({ type: 'gpu-ready', info: gpu.info, selfTest: await gpuSelfTest(ctx) });
    if (this.moving) return this.arrive(session, this.moving, gpu);
    if (this.saved) {
      // Reconnected after a lost device: the same data, run and last parameters carry on.
      const state = this.saved;
      this.saved = null;
      try {
        await session.restore(state);
      } finally {
        if (state.dataset) {
          const told = state.dataset === this.dataset ? this.summary : null;
          const summary = told ? { ...told, description: `${told.description} Restored after the GPU device was lost.` } : summarize(state.dataset, 'Restored after the GPU device was lost.');
          this.deps.send({ type: 'data-loaded', request: this.latestRequest, restored: true, summary });
        }
      }
    }
  }

  /**
   * Moves the run to the other backend: its parameters, optimizer state, histories and sampler are
   * read from the old device, the old device is let go, and the run is built again on the new one
   * exactly where it was (the path a lost device takes, with the whole state instead of the last
   * snapshot). Playing goes on playing.
   */
  private async switchBackend(to: 'webgpu' | 'cpu'): Promise<void> {
    this.backend = to;
    const session = this.session;
    const gpu = this.gpu;
    if (session && gpu) {
      const dataset = session.runDataset;
      this.moving = await captureMove(session, dataset ? this.origins.get(dataset) : undefined);
      this.session = null;
      this.gpu = null;
      await session.retire();
      gpu.device.destroy();
    }
    await this.init();
  }

  /** The run that moved, built again on `session`'s device from the state read on the old one. */
  private async arrive(session: Session, moving: Moving, gpu: Gpu): Promise<void> {
    this.moving = null;
    const told = moving.exported.dataset === this.dataset ? this.summary : null;
    await restoreMove(session, moving, gpu.info.backend === 'cpu' ? 'the CPU backend' : 'WebGPU', told, (summary) =>
      this.deps.send({ type: 'data-loaded', request: this.latestRequest, restored: true, summary }),
    );
  }

  /**
   * The device went away (driver reset, sleep, debug button). Whatever command is running fails
   * on its own; the run's state is kept now, while it is still at hand, and the session dropped.
   */
  private deviceLost(gpu: Gpu | null, problem: GpuError): void {
    if (gpu === null || this.gpu !== gpu) {
      // A device lost before it was in use, or one already replaced: only say so.
      if (gpu === null) this.reportProblem(problem);
      return;
    }
    const session = this.session;
    if (session) {
      const wasRunning = session.isRunning;
      session.halt();
      this.saved = session.exportState();
      if (wasRunning) this.deps.send({ type: 'running', running: false });
    }
    this.session = null;
    this.gpu = null;
    this.reportProblem(problem);
  }

  /** Parses or generates a dataset beside the queue (or reads the last one again), shapes it, and puts it in place through the queue. */
  private startLoad(source: DataSource, request: number, shape: DataShape): void {
    const progress = (fraction: number, rows: number) => {
      if (request === this.latestRequest) this.deps.send({ type: 'data-progress', request, fraction, rows });
    };
    this.loads
      .shaped(source, shape, progress)
      .then(
        ({ dataset, description, warnings, layout, source: origin }) =>
          this.queue.push({
            type: 'dataset-ready',
            request,
            apply: () => {
              if (request !== this.latestRequest) return;
              this.dataset = dataset;
              this.origins.set(dataset, { source: origin, shape });
              this.session?.setDataset(dataset);
              this.summary = summarize(dataset, description, warnings, layout);
              this.deps.send({ type: 'data-loaded', request, restored: false, summary: this.summary });
            },
          }),
        (error: unknown) =>
          this.queue.push({
            type: 'dataset-ready',
            request,
            apply: () => {
              // The dataset already loaded, and any training, stay as they were.
              if (request !== this.latestRequest) return;
              const message = isDataError(error) || error instanceof Error ? error.message : String(error);
              this.deps.send({ type: 'data-error', request, message, detail: isDataError(error) ? '' : String((error as Error)?.stack ?? '') });
            },
          }),
      );
  }

  private reportProblem(error: unknown): void {
    if (error instanceof GpuError) this.deps.send({ type: 'gpu-problem', kind: error.kind, message: error.message, detail: error.detail });
    else this.deps.send({ type: 'gpu-problem', kind: 'internal', message: String((error as Error)?.message ?? error), detail: String((error as Error)?.stack ?? '') });
  }
}
