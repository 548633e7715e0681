// Gradient norm per parameter over training, the global norm, and the clipping factor (1 = not
// clipped; below 1, the step was scaled down to the clip norm).

import { useMemo } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useStore } from '../store';
import { telemetry, type ModelTelemetry } from '../telemetry';
import { bucketMean, buckets, type Ring } from '../telemetry/ring';
import { useTelemetryVersion } from '../telemetry/useTelemetry';
import { AXIS, GRID, TOOLTIP_STYLE, seriesColor } from './palette';
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
    };
    // version: the rings changed in place
  }, [model, version]);
  const picker =
    models.length > 1 ? (
      <select aria-label="Model" value={model?.id} onChange={(e) => setView({ normsModel: e.target.value })}>
        {models.map((m) => (
          <option key={m.id} value={m.id}>{m.label}</option>
        ))}
      </select>
    ) : null;
  return (
    <ViewPanel title="Gradient norms per parameter" testId="view-norms" wide empty={data ? null : 'Per-parameter gradient norms appear once training starts.'} actions={picker}>
      {data && (
        <>
          <ResponsiveContainer width="100%" height={200}>
            <LineChart margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
              <CartesianGrid stroke={GRID} />
              <XAxis dataKey="step" type="number" domain={[0, 'dataMax']} tick={AXIS} stroke={AXIS.stroke} allowDuplicatedCategory={false} />
              <YAxis dataKey="v" scale="log" domain={['auto', 'auto']} allowDataOverflow tick={AXIS} stroke={AXIS.stroke} width={56} tickFormatter={(v: number) => v.toExponential(0)} />
              <Tooltip contentStyle={TOOLTIP_STYLE} formatter={(v) => Number(v).toExponential(2)} labelFormatter={(s) => `step ${s}`} />
              <Legend wrapperStyle={{ fontSize: 10 }} />
              <Line name="‖g‖ total" data={data.total} dataKey="v" stroke="#e6e8ee" strokeWidth={2} dot={false} isAnimationActive={false} />
              {data.params.map((p, i) => (
                <Line key={p.name} name={p.name} data={p.points} dataKey="v" stroke={seriesColor(i)} strokeWidth={1} dot={false} isAnimationActive={false} />
              ))}
            </LineChart>
          </ResponsiveContainer>
          <ResponsiveContainer width="100%" height={80}>
            <LineChart margin={{ top: 4, right: 12, bottom: 0, left: 0 }}>
              <CartesianGrid stroke={GRID} />
              <XAxis dataKey="step" type="number" domain={[0, 'dataMax']} tick={AXIS} stroke={AXIS.stroke} allowDuplicatedCategory={false} />
              <YAxis dataKey="v" domain={[0, 1]} ticks={[0, 0.5, 1]} tick={AXIS} stroke={AXIS.stroke} width={56} />
              <Tooltip contentStyle={TOOLTIP_STYLE} formatter={(v) => Number(v).toFixed(3)} labelFormatter={(s) => `step ${s}`} />
              <Line name="clip factor" data={data.clip} dataKey="v" stroke="#ff6b6b" dot={false} isAnimationActive={false} />
            </LineChart>
          </ResponsiveContainer>
          <p className="hint">Red: clipping factor (1 = gradient not clipped).</p>
        </>
      )}
    </ViewPanel>
  );
}
