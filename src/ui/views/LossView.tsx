// Training and validation loss per model. Long runs are drawn as bucket means (≤ 300 points),
// redrawn at most four times a second.

import { useMemo } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useStore } from '../store';
import { telemetry, type ModelTelemetry } from '../telemetry';
import { bucketMean, buckets } from '../telemetry/ring';
import { useTelemetryVersion } from '../telemetry/useTelemetry';
import { AXIS, GRID, TOOLTIP_STYLE } from './palette';
import { useRunModels } from './runModels';
import { ViewPanel } from './ViewPanel';

const POINTS = 200;

interface Point {
  step: number;
  loss: number;
}

function trainCurve(t: ModelTelemetry, log: boolean): Point[] {
  return buckets(t.steps.length, POINTS)
    .map(([a, b]) => ({ step: t.steps.get(b - 1), loss: bucketMean(t.loss, a, b) }))
    .filter((p) => Number.isFinite(p.loss) && (!log || p.loss > 0));
}

function validationCurve(t: ModelTelemetry, log: boolean): Point[] {
  return buckets(t.valSteps.length, POINTS)
    .map(([a, b]) => ({ step: t.valSteps.get(b - 1), loss: bucketMean(t.valLoss, a, b) }))
    .filter((p) => Number.isFinite(p.loss) && (!log || p.loss > 0));
}

export function LossView() {
  const log = useStore((s) => s.logLoss);
  const setView = useStore((s) => s.setView);
  const models = useRunModels();
  const version = useTelemetryVersion(250);
  const curves = useMemo(
    () =>
      models.map((m) => {
        const t = telemetry.models.get(m.id);
        return { model: m, train: t ? trainCurve(t, log) : [], val: t ? validationCurve(t, log) : [] };
      }),
    // version: the rings changed in place
    [models, log, version],
  );
  const empty = curves.every((c) => c.train.length === 0) ? 'No steps yet: press ▶ Play (space) or Step (→).' : null;
  // First and latest raw losses of the first model (the curve itself is bucket means).
  const first = curves[0] ? telemetry.models.get(curves[0].model.id) : undefined;
  const span = first && first.loss.length > 0 ? { from: first.loss.get(0), to: first.loss.last() } : null;
  return (
    <ViewPanel
      title="Loss"
      testId="view-loss"
      empty={empty}
      actions={
        <>
          {span && (
            <span className="muted small" data-testid="loss-span" data-first={span.from} data-last={span.to}>
              {span.from.toPrecision(3)} → {span.to.toPrecision(3)}
            </span>
          )}
          <label className="check small">
            <input type="checkbox" checked={log} onChange={(e) => setView({ logLoss: e.target.checked })} /> log scale
          </label>
        </>
      }
    >
      <ResponsiveContainer width="100%" height={220}>
        <LineChart margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
          <CartesianGrid stroke={GRID} />
          <XAxis dataKey="step" type="number" domain={[0, 'dataMax']} tick={AXIS} stroke={AXIS.stroke} allowDuplicatedCategory={false} />
          <YAxis
            dataKey="loss"
            scale={log ? 'log' : 'linear'}
            domain={['auto', 'auto']}
            allowDataOverflow
            tick={AXIS}
            stroke={AXIS.stroke}
            width={56}
            tickFormatter={(v: number) => v.toPrecision(3)}
          />
          <Tooltip contentStyle={TOOLTIP_STYLE} formatter={(v) => Number(v).toPrecision(4)} labelFormatter={(s) => `step ${s}`} />
          <Legend wrapperStyle={{ fontSize: 11 }} />
          {curves.map(({ model, train, val }) => [
            <Line key={`${model.id}-train`} name={`${model.label} train`} data={train} dataKey="loss" stroke={model.color} dot={false} strokeWidth={1.5} isAnimationActive={false} />,
            <Line key={`${model.id}-val`} name={`${model.label} validation`} data={val} dataKey="loss" stroke={model.color} strokeDasharray="4 3" dot={false} strokeWidth={1.5} isAnimationActive={false} />,
          ])}
        </LineChart>
      </ResponsiveContainer>
    </ViewPanel>
  );
}
