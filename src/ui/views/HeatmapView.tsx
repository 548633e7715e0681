// Hidden states and gate activations of one sample, time × unit: pick the model, the map
// (hidden, LSTM input/forget/output/cell, GRU reset/update, Mamba Δ), the sample and the layer.

import { useShallow } from 'zustand/react/shallow';
import type { ProbeReport } from '../../worker/protocol';
import { heatmapTable } from '../export/chartCsv';
import { useStore } from '../store';
import { telemetry } from '../telemetry';
import { useTelemetryVersion } from '../telemetry/useTelemetry';
import { HeatmapCanvas } from './heatmap/HeatmapCanvas';
import { useRunModels } from './runModels';
import { ViewPanel } from './ViewPanel';

export function HeatmapView() {
  const models = useRunModels();
  const { heatmapModel, heatmapMap, probeSample, probeLayer, setView } = useStore(
    useShallow((s) => ({ heatmapModel: s.heatmapModel, heatmapMap: s.heatmapMap, probeSample: s.probeSample, probeLayer: s.probeLayer, setView: s.setView })),
  );
  const batch = useStore((s) => s.training.batch);
  useTelemetryVersion(500);
  const model = models.find((m) => m.id === heatmapModel) ?? models[0];
  const probe = model ? telemetry.models.get(model.id)?.probe ?? null : null;
  const maps = probe ? ['hidden', ...Object.keys(probe.gates)] : ['hidden'];
  const map = maps.includes(heatmapMap) ? heatmapMap : 'hidden';
  const actions = (
    <>
      {models.length > 1 && (
        <select aria-label="Model" value={model?.id} onChange={(e) => setView({ heatmapModel: e.target.value })}>
          {models.map((m) => (
            <option key={m.id} value={m.id}>{m.label}</option>
          ))}
        </select>
      )}
      <label className="small">
        sample{' '}
        <input type="number" className="tiny" min={0} max={batch - 1} value={probeSample} onChange={(e) => setView({ probeSample: clamp(Number(e.target.value), 0, batch - 1) })} />
      </label>
      {model && model.slot.layers > 1 && (
        <label className="small">
          layer{' '}
          <input type="number" className="tiny" min={0} max={model.slot.layers - 1} value={probeLayer} onChange={(e) => setView({ probeLayer: clamp(Number(e.target.value), 0, model.slot.layers - 1) })} />
        </label>
      )}
    </>
  );
  return (
    <ViewPanel title="Inside the model" testId="view-heatmap" actions={actions} empty={probe ? null : 'Hidden states and gates of one sample appear after the first step.'} wide exportAs={{ name: `heatmap-${map}`, csv: () => heatmapCsv(map, probe) }}>
      <div className="tabs" role="tablist" aria-label="Map">
        {maps.map((name) => (
          <button key={name} type="button" role="tab" aria-selected={name === map} className={name === map ? 'on' : ''} onClick={() => setView({ heatmapMap: name })}>
            {name}
          </button>
        ))}
        {probe && (
          <span className="muted small">
            step {probe.step} · sample {probe.sample} · {probe.T} steps × {unitsOf(map, probe)} units
          </span>
        )}
      </div>
      {model && <HeatmapCanvas map={{ modelId: model.id, name: map }} />}
    </ViewPanel>
  );
}

function unitsOf(map: string, probe: ProbeReport): number {
  return map === 'hidden' ? probe.units : Math.round((probe.gates[map]?.length ?? 0) / Math.max(1, probe.T));
}

function clamp(v: number, lo: number, hi: number): number {
  return Number.isFinite(v) ? Math.min(hi, Math.max(lo, Math.round(v))) : lo;
}

function heatmapCsv(map: string, probe: ProbeReport | null) {
  const values = probe ? (map === 'hidden' ? probe.hidden : probe.gates[map]) : undefined;
  if (!probe || !values) return null;
  const units = unitsOf(map, probe);
  return heatmapTable(map, values, Math.floor(values.length / Math.max(1, units)), units);
}
