// Forecasts a person can judge, on a table: each model reads the last window of the data and runs
// on past its end, or hides the last N rows (never trained on), forecasts them from the window
// before and is scored against them. Drawn in the data's own units on the table's own x axis
// (dates where a column reads as time). One request per model; training pauses for it.

import { useState } from 'react';
import type { ForecastMode } from '../../worker/protocol';
import { rowAxis } from '../data/rowAxis';
import { requestForecast } from '../engine';
import { linesTable } from '../export/chartCsv';
import { useStore } from '../store';
import { telemetry } from '../telemetry';
import { useTelemetryVersion } from '../telemetry/useTelemetry';
import { forecastSeries, scoreLine, type ShownForecast } from './forecastChart';
import { LegendSwatch, LineCanvas } from './LineCanvas';
import { useRunModels } from './runModels';
import { ViewPanel } from './ViewPanel';

/** The longest forecast asked for, in windows (the worker allows as much). */
const MAX_WINDOWS = 10;

export function ForecastView() {
  useTelemetryVersion(100);
  const models = useRunModels();
  const summary = useStore((s) => s.summary);
  const choice = useStore((s) => s.choice);
  const seqLen = useStore((s) => s.training.seqLen);
  const [rows, setRows] = useState(seqLen);
  if (summary?.kind !== 'table' || models.length === 0) return null;
  const axis = rowAxis(summary);
  // As the worker decides it: a forecast feeds predictions back, so the targets must be the inputs.
  const targets = choice.targetColumns.length ? choice.targetColumns : choice.inputColumns.slice(0, 1);
  const feedsBack = targets.length === choice.inputColumns.length && targets.every((c, i) => c === choice.inputColumns[i]);
  const shown: ShownForecast[] = models.flatMap((m) => {
    const result = telemetry.models.get(m.id)?.forecast;
    return result ? [{ label: m.label, color: m.color, result }] : [];
  });
  const n = Math.max(1, Math.min(MAX_WINDOWS * seqLen, Math.round(rows) || 1));
  const ask = (mode: ForecastMode) => models.forEach((m) => requestForecast(m.id, mode, n));
  const actions = (
    <>
      <label className="small">
        N{' '}
        <input type="number" data-testid="forecast-rows" min={1} max={MAX_WINDOWS * seqLen} value={rows} onChange={(e) => setRows(Number(e.target.value))} style={{ width: 64 }} />
      </label>
      <button
        type="button"
        data-testid="forecast"
        disabled={!feedsBack}
        title={feedsBack ? `Each model reads the last ${seqLen} rows, then runs on ${n} rows past the end` : 'A forecast feeds predictions back as inputs: choose the same columns as inputs and targets.'}
        onClick={() => ask('future')}
      >
        Forecast past the end
      </button>
      <button type="button" data-testid="backtest" title={`Hide the last ${n} rows (at most the validation part), forecast them, and score the forecast`} onClick={() => ask('backtest')}>
        Backtest the last {n}
      </button>
    </>
  );
  const empty = shown.length
    ? null
    : `Forecast past the end: each model reads the last ${seqLen} rows, then runs on by itself. Backtest: hide the last N rows (rows it never trained on), forecast them, and see the truth beside it with MAE and RMSE. Pauses training.`;
  return (
    <ViewPanel title="Forecast" testId="view-forecast" actions={actions} wide empty={empty} exportAs={{ name: 'forecast', csv: () => linesTable(axis.title, forecastSeries(shown, axis.x), axis.isTime ? axis.format : undefined) }}>
      {!feedsBack && (
        <p className="muted small" data-testid="forecast-one-step-note">
          The targets are not the inputs, so nothing can be fed back: a backtest predicts each hidden row one step ahead from its true inputs.
        </p>
      )}
      <LineCanvas height={220} series={forecastSeries(shown, axis.x)} xLabel={axis.title} xFormat={axis.format} />
      <ul className="forecast-scores small" data-testid="forecast-scores">
        {shown.map((s) => (
          <li key={s.label} data-mae={s.result.mae ?? undefined} data-rmse={s.result.rmse ?? undefined}>
            <LegendSwatch color={s.color} />
            <strong>{s.label}</strong>: {scoreLine(s.result, (row) => axis.format(axis.x(row)))}
          </li>
        ))}
      </ul>
    </ViewPanel>
  );
}
