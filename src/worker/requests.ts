// Requests on a built run that answer with something to show or save: a BPTT walk one timestep
// at a time, a forecast or a backtest on a table, free-running decoding, a weights
// file, a PyTorch export. Each may be refused (an Error whose message says why); the run is then as it was. The
// session runs them from the owner's queue.

import { chunk } from '../data';
import { exportFileName, pytorchExportZip } from '../export/pytorchExport';
import { decodeScores } from '../train/decodeScores';
import { decodeFreeRunning } from '../train/sampling';
import { BpttStepper } from '../train/stepThrough';
import { parseWeightsFile, weightsJson, weightsSafetensors, type WeightsFormat } from '../train/weights';
import { tableForecast } from './forecast';
import type { ForecastMode, WeightsContents } from './protocol';
import { chunkLength } from './runConfig';
import type { ModelRun, Session } from './session';

/** Sequences of the validation batch whose decodings the page shows. */
const DECODE_SHOWN = 6;

export class RunRequests {
  /** A BPTT walk in progress (step-through), or null. */
  private stepper: BpttStepper | null = null;

  constructor(private readonly session: Session) {}

  /**
   * Step-through BPTT on the first model: the first call runs the forward pass on a fresh batch
   * and walks the last timestep; each later call walks one step further back.
   */
  async bpttStep(sample: number): Promise<void> {
    const session = this.session;
    await session.pause();
    const m = session.modelRuns[0];
    const source = session.batchSource;
    const run = session.runConfig;
    if (!m || !source || !run) throw new Error('Configure a run before stepping through BPTT.');
    if (!this.stepper) {
      const { batch: B } = run.training;
      const T = source.seqLen;
      const k = chunkLength(run.training.tbptt, T);
      const batch = source.train(B, session.random);
      if (k < T) m.trainer.resetState();
      const { x, y } = chunk(source, batch, B, 0, k);
      m.trainer.setBatch(x, y);
      m.loaded = { rows: batch.rows, offset: 0 };
      this.stepper = await BpttStepper.begin(m.trainer, sample);
    }
    const s = await this.stepper.step();
    if (!s) return;
    const done = this.stepper.done;
    if (done) this.stepper = null;
    session.reply({ type: 'bptt', modelId: m.slot.id, t: s.t, T: s.T, norm: s.norm, dh: s.dh, done });
  }

  /** Abandons a walk in progress (the next walk starts again from the last step). */
  stopWalk(): void {
    this.stepper = null;
  }

  private model(modelId: string, fallback: boolean): ModelRun | undefined {
    const models = this.session.modelRuns;
    return models.find((x) => x.slot.id === modelId) ?? (fallback ? models[0] : undefined);
  }

  /** A model's forecast on the run's table (./forecast.ts): past the end of the data, or a backtest of its last rows. */
  async forecast(modelId: string, mode: ForecastMode, horizon: number): Promise<void> {
    const session = this.session;
    await session.pause();
    const m = this.model(modelId, true);
    const source = session.batchSource;
    if (!m || !source) throw new Error('Configure a run before forecasting.');
    session.reply({ type: 'forecast', modelId: m.slot.id, ...(await tableForecast(session.ctx, m.trainer, source, mode, horizon)) });
  }

  /** A model's weights file in either format (src/train/weights.ts), read from the GPU as they are now. */
  async exportWeights(modelId: string, name: string, format: WeightsFormat): Promise<WeightsContents & { step: number }> {
    const m = this.model(modelId, false);
    if (!m) throw new Error('No such model in this run: configure it before downloading its weights.');
    const values = await m.trainer.readParams();
    const step = m.trainer.optimizer.stepCount;
    const { cfg, layout } = m.trainer;
    if (format === 'json') return { format, text: weightsJson({ name, step }, cfg, layout, values), step };
    return { format, bytes: weightsSafetensors({ name, step }, cfg, layout, values).buffer as ArrayBuffer, step };
  }

  /**
   * A model's run as a zip for PyTorch (src/export/pytorchExport.ts): its parameters as they are
   * now, the run's samples and settings, and its validation loss computed here and now, for
   * train.py to match.
   */
  async exportPytorch(modelId: string, name: string): Promise<{ step: number; fileName: string; bytes: ArrayBuffer }> {
    const session = this.session;
    const m = this.model(modelId, false);
    const source = session.batchSource;
    const run = session.runConfig;
    if (!m || !source || !run) throw new Error('No such model in this run: configure it before exporting it.');
    // Between two training windows (the owner's queue): the parameters, the step and the loss belong together, and playing goes on.
    const { cfg, layout } = m.trainer;
    const step = m.trainer.optimizer.stepCount;
    const validationLoss = await session.validationLoss(m);
    const dataset = session.runDataset?.name ?? 'data';
    const zip = pytorchExportZip({
      label: name,
      dataset,
      step,
      cfg,
      layout,
      values: await m.trainer.readParams(),
      optimizer: await m.trainer.optimizer.readState(session.ctx.device),
      windowLength: source.seqLen,
      samples: source.exportSamples(run.training.batch),
      vocab: source.vocab,
      validationLoss,
    });
    return { step, fileName: exportFileName(dataset, name), bytes: zip.buffer as ArrayBuffer };
  }

  /** A weights file's values for one model, or an Error naming the file and what does not fit. */
  parseWeightsFor(modelId: string, file: string, bytes: ArrayBuffer): Record<string, Float32Array> {
    const m = this.model(modelId, false);
    if (!m || !this.session.runConfig) throw new Error('No such model in this run: configure it before loading weights into it.');
    return parseWeightsFile(file, new Uint8Array(bytes), m.trainer.layout, m.trainer.cfg.model);
  }

  /** Decodes the validation batch of a sequence-to-sequence task with and without teacher forcing, every model. */
  async decode(): Promise<void> {
    const session = this.session;
    await session.pause();
    const source = session.batchSource;
    const run = session.runConfig;
    if (!source || !run || session.modelRuns.length === 0) throw new Error('Configure a run before decoding.');
    if (!source.seq2seq) throw new Error("Decoding on the model's own outputs needs a sequence-to-sequence task (reverse or sort digits).");
    const B = run.training.batch;
    const batch = source.validation(B) ?? source.train(B, session.random);
    const { sourceLength: S, targetLength: U } = source.seq2seq;
    const T = S + U;
    const target = Int32Array.from({ length: B * U }, (_, i) => batch.y[Math.floor(i / U) * T + S + (i % U)]);
    const shown = Math.min(B, DECODE_SHOWN);
    for (const m of session.modelRuns) {
      if (m.halted) continue;
      const d = await decodeFreeRunning(m.trainer, batch.x, S);
      // Leave the model's input, outputs and targets as one teacher-forced pass over this batch,
      // so that a probe read while paused pairs predictions with their own targets.
      await m.trainer.evaluate(batch.x, batch.y);
      m.loaded = { rows: batch.rows, offset: 0 };
      session.reply({
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
}
