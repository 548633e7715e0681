// Every message from the worker goes to one place: configuration and lifecycle into the store,
// per-step numbers into the telemetry rings (no React render per step). Replies about a run the
// page has configured past, and answers to loads it has superseded, are dropped here.

import type { DataChoice, DataSummary, FromWorker } from '../worker/protocol';
import { isRunReply } from '../worker/protocol';
import { configureRun, loadFailed, startWithRuns } from './engine';
import { refOf, rememberRunInTab } from './runs/startup';
import { isFatal } from './state/gpuSlice';
import { useStore } from './store';
import { telemetry } from './telemetry';
import { saveDownload, saveWeights } from './model/weightsFile';

/**
 * The last run the worker built, even one the page had configured past when it arrived: when the
 * configuration after it is refused, that run is the one in place, and the page shows it.
 */
let lastBuilt: Extract<FromWorker, { type: 'configured' }> | null = null;

function applyConfigured(message: Extract<FromWorker, { type: 'configured' }>): void {
  const ids = new Set(message.models.map((m) => m.id));
  for (const id of [...telemetry.models.keys()]) if (!ids.has(id)) telemetry.forget(id);
  for (const m of message.models) if (!m.kept) telemetry.forget(m.id);
  telemetry.changed();
  useStore.getState().setConfigured(message.models, message.warnings, message.generation, { fitNotes: message.fitNotes, noValidation: message.noValidation });
}

export function handleMessage(message: FromWorker): void {
  const s = useStore.getState();
  if (message.type === 'configured') lastBuilt = message;
  // A reply about a run the page has configured past: it would draw into the new run's views.
  if (isRunReply(message) && message.generation !== s.generation) return;
  switch (message.type) {
    case 'gpu-ready':
      s.setGpu({ state: 'ready', info: message.info, selfTest: message.selfTest });
      // A device that came after the data (Retry after none was offered): build the run now. After
      // a lost device the worker restores its run itself.
      if (s.summary && !s.configured && !s.configuring && !s.pendingRef) configureRun();
      break;
    case 'run-probe':
      s.setRunProbe(message.report);
      break;
    case 'gpu-problem':
      if (isFatal(message.kind)) s.setGpu({ state: 'problem', kind: message.kind, message: message.message, detail: message.detail });
      else s.setGpuError({ kind: message.kind, message: message.message, detail: message.detail });
      break;
    case 'data-progress':
      if (message.request === s.dataRequest) s.setProgress(message.fraction, message.rows);
      break;
    case 'data-loaded': {
      // Data the page did not ask for is the worker restoring its run after a lost device: the
      // run comes back configured, with its parameters, and must not be rebuilt.
      if (message.restored) {
        if (!s.pendingRef) s.dataLoaded(message.summary, chooseColumns(message.summary, s.choice));
        break;
      }
      if (message.request !== s.dataRequest) break;
      s.dataLoaded(message.summary, chooseColumns(message.summary, s.choice));
      configureRun();
      break;
    }
    case 'data-error':
      if (message.request === s.dataRequest) s.dataFailed(message.message, message.detail);
      loadFailed(message.request);
      break;
    case 'run-opened': {
      // A saved run, opened as asked (unless another load was asked for since): its settings,
      // data and generation in one change, so nothing rebuilds it (./runSync.ts).
      if (message.request !== s.dataRequest) break;
      const { run, source } = message.meta;
      useStore.setState({
        models: run.models,
        training: run.training,
        seed: run.seed,
        choice: chooseColumns(message.summary, run.data),
        dataRef: refOf(source),
        pendingRef: null,
        summary: message.summary,
        loading: null,
        dataError: null,
        generation: message.generation,
        configuring: true,
      });
      break;
    }
    case 'runs':
      s.setSavedRuns(message.runs, message.current, message.available);
      startWithRuns(message.runs);
      break;
    case 'save-state':
      s.setSaveState(message.state, message.step, message.id, message.message);
      rememberRunInTab(message.id);
      break;
    case 'configured':
      applyConfigured(message);
      break;
    case 'config-error':
      // Only the answer to the latest configuration counts; an older one was superseded.
      if (message.generation !== s.generation) break;
      if (message.live !== null && s.configuredGeneration !== message.live && lastBuilt?.generation === message.live) applyConfigured(lastBuilt);
      s.setConfigError({ message: message.message, setting: message.setting }, message.live);
      break;
    case 'action-error':
      s.setActionError({ action: message.action, message: message.message });
      if (message.action === 'generate') s.stopGenerations();
      break;
    case 'weights':
      saveWeights(message.modelId, message.step, message);
      break;
    case 'pytorch-export':
      saveDownload(new Blob([message.bytes], { type: 'application/zip' }), message.fileName);
      break;
    case 'run-file':
      saveDownload(new Blob([message.bytes], { type: 'application/octet-stream' }), message.fileName);
      break;
    case 'runs-error':
      s.setActionError({ action: message.action, message: message.message });
      break;
    case 'running':
      s.setRunning(message.running, message.reason);
      break;
    case 'steps':
      telemetry.model(message.modelId).addSteps(message.reports, message.msPerStep);
      telemetry.changed();
      break;
    case 'validation':
      telemetry.model(message.modelId).addValidation(message.step, message.loss);
      telemetry.changed();
      break;
    case 'probe':
      telemetry.model(message.probe.modelId).setProbe(message.probe);
      telemetry.changed();
      break;
    case 'non-finite':
      // The worker has paused the run; this only says why.
      s.setNonFinite({ modelId: message.modelId, step: message.step, params: message.params });
      s.halt(message.modelId);
      break;
    case 'generate-progress':
      s.setGeneration(message.modelId, { busy: true, made: message.made, total: message.total, ids: message.ids });
      break;
    case 'generated': {
      const { type: _type, generation: _generation, modelId, temperature: _t, ...done } = message;
      s.setGeneration(modelId, { ...done, busy: false, made: done.ids.length });
      break;
    }
    case 'bptt':
      telemetry.model(message.modelId).addBpttStep(message.t, message.T, message.norm, message.dh, message.done);
      telemetry.changed();
      break;
    case 'forecast': {
      const { type: _type, generation: _generation, modelId, ...result } = message;
      const t = telemetry.model(modelId);
      t.forecast = result;
      if (result.mode !== 'future') t.backtest = result;
      telemetry.changed();
      break;
    }
    case 'decode': {
      const { type: _type, generation: _generation, modelId, ...decoded } = message;
      telemetry.model(modelId).decoded = decoded;
      telemetry.changed();
      break;
    }
    default: {
      // A message the protocol gained but this router does not handle yet fails to compile here.
      const unhandled: never = message;
      console.warn('Unhandled worker message', unhandled);
    }
  }
}

/**
 * Input and target columns for a freshly loaded table: the previous choice where its columns still
 * exist (a restored link, or reloading the same file), otherwise the table's measurements in and
 * the last of them predicted (never a time or id column: src/data/columnRoles.ts). The shape
 * follows what the worker applied, so the link says how the table was read.
 */
export function chooseColumns(summary: DataSummary, previous: DataChoice): DataChoice {
  const names = summary.columns.map((c) => c.name);
  const shape = summary.layout ? { time: previous.time === 'auto' ? 'auto' : summary.layout.applied.time, key: previous.key === 'auto' ? 'auto' : summary.layout.applied.key, keys: summary.layout.applied.keys } : {};
  if (summary.kind !== 'table' || names.length === 0) return { ...previous, ...shape, inputColumns: [], targetColumns: [] };
  const keep = (list: string[]) => list.filter((n) => names.includes(n));
  const inputs = keep(previous.inputColumns);
  const targets = keep(previous.targetColumns);
  const defaults = summary.layout?.defaultInputs.length ? summary.layout.defaultInputs : names;
  const target = summary.layout?.defaultTarget ?? names[names.length - 1];
  return {
    ...previous,
    ...shape,
    inputColumns: inputs.length > 0 ? inputs : defaults,
    targetColumns: targets.length > 0 ? targets : [target],
  };
}
