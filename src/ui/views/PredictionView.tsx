// What the model predicts for the probed sample against the target: a line chart for real
// values (on a table in the data's own units, on its own x axis: dates or row numbers), the
// characters side by side for a character-level model.

import { useMemo } from 'react';
import { rowAxis } from '../data/rowAxis';
import { linesTable } from '../export/chartCsv';
import { useStore } from '../store';
import { telemetry } from '../telemetry';
import { useTelemetryVersion } from '../telemetry/useTelemetry';
import { LineCanvas } from './LineCanvas';
import { useRunModels } from './runModels';
import { ScalarPredictions } from './ScalarPredictions';
import { TokenPredictions } from './TokenPredictions';
import { ViewPanel } from './ViewPanel';

export function PredictionView() {
  const models = useRunModels();
  const summary = useStore((s) => s.summary);
  const loss = summary?.loss;
  const vocab = summary?.vocab;
  const version = useTelemetryVersion(400);
  const probes = useMemo(
    () => models.map((m) => ({ model: m, probe: telemetry.models.get(m.id)?.probe ?? null })).filter((p) => p.probe && p.probe.prediction.length > 0),
    // version: new probes arrived
    [models, version],
  );
  const rows = useMemo(() => {
    if (probes.length === 0) return [];
    const first = probes[0].probe!;
    const O = Math.max(1, first.outputs);
    const n = Math.floor(first.target.length / O);
    return Array.from({ length: n }, (_, t) => {
      const row: Record<string, number> = { t };
      const target = first.target[t * O];
      if (Number.isFinite(target) && !(loss === 'cross_entropy' && target < 0)) row.target = target;
      for (const { model, probe } of probes) {
        const v = probe!.prediction[t * Math.max(1, probe!.outputs)];
        if (Number.isFinite(v)) row[model.id] = v;
      }
      return row;
    });
  }, [probes, loss]);
  const empty = rows.length === 0 ? 'Predictions for one sample appear after the first step.' : null;
  // A table's probe says which row its first target is: the steps are rows, drawn at their x.
  const firstRow = probes[0]?.probe?.firstRow ?? null;
  const axis = firstRow !== null ? rowAxis(summary) : null;
  const x = (t: number) => (axis && firstRow !== null ? axis.x(firstRow + t) : t);
  const shown = probes.map((p) => p.model);
  const series = [
    { name: 'target', color: '#e6e8ee', dash: [4, 3], step: loss === 'cross_entropy', xs: rows.map((r) => x(r.t)), ys: rows.map((r) => r.target ?? NaN) },
    ...probes.map(({ model }) => ({ name: model.label, color: model.color, step: loss === 'cross_entropy', xs: rows.map((r) => x(r.t)), ys: rows.map((r) => r[model.id] ?? NaN) })),
  ];
  // On a table: the x column is its dates (or row numbers), the values in the data's units.
  const exportAs = { name: 'predictions', csv: () => linesTable(axis ? axis.title : 't', series, axis?.isTime ? axis.format : undefined) };
  if (!empty && loss === 'cross_entropy' && vocab) {
    return (
      <ViewPanel title="Predictions vs targets" testId="view-predictions" exportAs={exportAs}>
        <TokenPredictions rows={rows} vocab={vocab} models={shown} />
      </ViewPanel>
    );
  }
  if (!empty && rows.length === 1) {
    return (
      <ViewPanel title="Prediction vs target" testId="view-predictions" exportAs={{ ...exportAs, png: false }}>
        <ScalarPredictions row={rows[0]} models={shown} />
      </ViewPanel>
    );
  }
  return (
    <ViewPanel title="Predictions vs targets" testId="view-predictions" empty={empty} exportAs={exportAs}>
      <LineCanvas
        height={220}
        xLabel={axis ? axis.title : undefined}
        xFormat={axis ? axis.format : undefined}
        series={series}
      />
    </ViewPanel>
  );
}
