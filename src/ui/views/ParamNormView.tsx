// Gradient norm per parameter over training, the global norm, and the clipping factor (1 = not
// clipped; below 1, the step was scaled down to the clip norm), with the last step's two numbers
// written out (and in data-* attributes, for the lessons' browser tests).

import { useMemo } from 'react';
import { normsTable } from '../export/chartCsv';
import { useStore } from '../store';
import { telemetry, type ModelTelemetry } from '../telemetry';
import { bucketMean, buckets, type Ring } from '../telemetry/ring';
import { useTelemetryVersion } from '../telemetry/useTelemetry';
import { LineCanvas } from './LineCanvas';
import { seriesColor } from './palette';
import { useRunModels } from './runModels';
import { ViewPanel } from './ViewPanel';

const POINTS = 100;

function curve(t: ModelTelemetry, ring: Ring, positive: boolean): Array<{ step: number; v: number }> {
  return buckets(ring.length, POINTS)
    .map(([a, b]) => ({ step: t.steps.get(b - 1), v: bucketMean(ring, a, b) }))
    .filter((p) => Number.isFinite(p.v) && (!positive || p.v > 0));
}

export function ParamNormView() {
  const models = useRunModels();
  const chosen = useStore((s) => s.normsModel);
  const setView = useStore((s) => s.setView);
  const model = models.find((m) => m.id === chosen) ?? models[0];
  const version = useTelemetryVersion(400);
  const data = useMemo(() => {
    const t = model ? telemetry.models.get(model.id) : undefined;
    if (!t || t.steps.length === 0) return null;
    return {
      params: [...t.paramNorms.entries()].map(([name, ring]) => ({ name, points: curve(t, ring, true) })),
      total: curve(t, t.gradNorm, true),
      clip: curve(t, t.clipScale, false),
      last: { step: t.lastStep, norm: t.gradNorm.last(), clip: t.clipScale.last() },
    };
    // version: the rings changed in place
  }, [model, version]);
  const picker =
    models.length > 1 ? (
      <select aria-label="Model" data-testid="norms-model" value={model?.id} onChange={(e) => setView({ normsModel: e.target.value })}>
        {models.map((m) => (
          <option key={m.id} value={m.id}>{m.label}</option>
        ))}
      </select>
    ) : null;
  return (
    <ViewPanel title="Gradient norms per parameter" testId="view-norms" wide empty={data ? null : 'Per-parameter gradient norms appear once training starts.'} actions={picker} exportAs={{ name: 'gradient-norms', csv: () => normsCsv(model?.id) }}>
      {data && (
        <>
          <LineCanvas
            height={200}
            logY
            series={[
              { name: '‖g‖ total', color: '#e6e8ee', width: 2, xs: data.total.map((p) => p.step), ys: data.total.map((p) => p.v) },
              ...data.params.map((p, i) => ({ name: p.name, color: seriesColor(i), width: 1, xs: p.points.map((q) => q.step), ys: p.points.map((q) => q.v) })),
            ]}
          />
          <LineCanvas height={80} yDomain={[0, 1.05]} legend={false} series={[{ name: 'clip factor', color: '#ff6b6b', xs: data.clip.map((p) => p.step), ys: data.clip.map((p) => p.v) }]} />
          <p className="hint" data-testid="norms-readout" data-model={model?.id} data-step={data.last.step} data-grad-norm={data.last.norm} data-clip-scale={data.last.clip}>
            Red: clipping factor (1 = gradient not clipped). Step {data.last.step}: ‖g‖ = {data.last.norm.toPrecision(3)}, clip factor {data.last.clip.toFixed(3)}.
          </p>
        </>
      )}
    </ViewPanel>
  );
}

/** The shown model's norms at every kept step (the chart draws bucket means). */
function normsCsv(id: string | undefined) {
  const t = id ? telemetry.models.get(id) : undefined;
  return t ? normsTable({ steps: t.steps, gradNorm: t.gradNorm, clipScale: t.clipScale, params: [...t.paramNorms.entries()] }) : null;
}
