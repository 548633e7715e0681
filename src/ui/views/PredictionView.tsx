// What the model predicts for the probed sample against the target: a line chart for real
// values, the characters side by side for a character-level model.

import { useMemo } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useStore } from '../store';
import { telemetry } from '../telemetry';
import { useTelemetryVersion } from '../telemetry/useTelemetry';
import { AXIS, GRID, TOOLTIP_STYLE, formatTick } from './palette';
import { useRunModels } from './runModels';
import { ScalarPredictions } from './ScalarPredictions';
import { TokenPredictions } from './TokenPredictions';
import { ViewPanel } from './ViewPanel';

export function PredictionView() {
  const models = useRunModels();
  const loss = useStore((s) => s.summary?.loss);
  const vocab = useStore((s) => s.summary?.vocab);
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
  const shown = probes.map((p) => p.model);
  if (!empty && loss === 'cross_entropy' && vocab) {
    return (
      <ViewPanel title="Predictions vs targets" testId="view-predictions">
        <TokenPredictions rows={rows} vocab={vocab} models={shown} />
      </ViewPanel>
    );
  }
  if (!empty && rows.length === 1) {
    return (
      <ViewPanel title="Prediction vs target" testId="view-predictions">
        <ScalarPredictions row={rows[0]} models={shown} />
      </ViewPanel>
    );
  }
  return (
    <ViewPanel title="Predictions vs targets" testId="view-predictions" empty={empty}>
      <ResponsiveContainer width="100%" height={220}>
        <LineChart data={rows} margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
          <CartesianGrid stroke={GRID} />
          <XAxis dataKey="t" type="number" domain={['dataMin', 'dataMax']} tick={AXIS} stroke={AXIS.stroke} />
          <YAxis domain={['auto', 'auto']} tick={AXIS} stroke={AXIS.stroke} width={56} tickFormatter={formatTick} />
          <Tooltip contentStyle={TOOLTIP_STYLE} formatter={(v) => Number(v).toPrecision(4)} labelFormatter={(t) => `t = ${t}`} />
          <Legend wrapperStyle={{ fontSize: 11 }} />
          <Line name="target" dataKey="target" stroke="#e6e8ee" strokeDasharray="4 3" dot={rows.length < 3} type={loss === 'cross_entropy' ? 'stepAfter' : 'linear'} isAnimationActive={false} />
          {probes.map(({ model }) => (
            <Line key={model.id} name={model.label} dataKey={model.id} stroke={model.color} dot={rows.length < 3} strokeWidth={1.5} type={loss === 'cross_entropy' ? 'stepAfter' : 'linear'} isAnimationActive={false} />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </ViewPanel>
  );
}
