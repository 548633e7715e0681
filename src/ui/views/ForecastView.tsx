// The forecast continued past the data: each model reads a validation window step by step, then
// runs on by itself, feeding each prediction back in as its next input. Drawn in the data's own
// units (the normalisation inverted). Shown for tables whose targets are their inputs.

import { requestForecast } from '../engine';
import { useStore } from '../store';
import { telemetry } from '../telemetry';
import { useTelemetryVersion } from '../telemetry/useTelemetry';
import { LineCanvas, type LineSeries } from './LineCanvas';
import { useRunModels } from './runModels';
import { ViewPanel } from './ViewPanel';

const HORIZON_FACTOR = 1;

export function ForecastView() {
  useTelemetryVersion(100);
  const models = useRunModels();
  const table = useStore((s) => s.summary?.kind === 'table');
  const seqLen = useStore((s) => s.training.seqLen);
  if (!table || models.length === 0) return null;
  const forecasts = models.map((m) => ({ model: m, f: telemetry.models.get(m.id)?.forecast ?? null }));
  const shown = forecasts.filter((x) => x.f);
  const series: LineSeries[] = [];
  const context = shown[0]?.f?.context;
  if (context) series.push({ name: `${shown[0].f!.column} (data)`, color: '#e6e8ee', xs: Array.from(context, (_, t) => t), ys: context });
  for (const { model, f } of shown) {
    const T = f!.context.length;
    series.push({ name: `${model.label} one step ahead`, color: model.color, width: 1, opacity: 0.6, xs: Array.from(f!.fit, (_, t) => t + 1), ys: f!.fit });
    series.push({ name: `${model.label} forecast`, color: model.color, dash: [5, 3], width: 2, xs: Array.from(f!.forecast, (_, k) => T + 1 + k), ys: f!.forecast });
  }
  const button = (
    <button type="button" data-testid="forecast" onClick={() => models.forEach((m) => requestForecast(m.id, 'future', seqLen * HORIZON_FACTOR))}>
      Forecast past the data
    </button>
  );
  return (
    <ViewPanel title="Forecast" testId="view-forecast" actions={button} wide empty={shown.length ? null : 'Runs each model over a validation window, then on past its end on its own predictions (pauses training).'}>
      <LineCanvas height={200} series={series} xLabel="time step (the window, then the forecast)" />
    </ViewPanel>
  );
}
