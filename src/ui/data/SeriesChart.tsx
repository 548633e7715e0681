// The loaded table as small multiples: one strip per column, each on its own scale (a volume in
// the billions beside a price in the hundreds both show), on the table's true x axis (its dates,
// or row numbers 1..n however many rows were drawn), with the validation part shaded.

import { memo, useMemo } from 'react';
import { Line, LineChart, ReferenceArea, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { DataSummary } from '../../worker/protocol';
import { AXIS, TOOLTIP_STYLE, formatTick, seriesColor } from '../views/palette';
import { rowAxis } from './rowAxis';

/** Points per strip: the worker sends up to 2,000, a 300-pixel strip shows no more. */
const MAX_POINTS = 400;
const MAX_SERIES = 8;
const STRIP_HEIGHT = 54;

export interface SeriesChartProps {
  summary: DataSummary;
  /** The first row of the validation part (0-based), or null when there is none. */
  validationStart: number | null;
}

export const SeriesChart = memo(function SeriesChart({ summary, validationStart }: SeriesChartProps) {
  const axis = useMemo(() => rowAxis(summary), [summary]);
  const series = summary.series.slice(0, MAX_SERIES);
  const data = useMemo(() => {
    const n = Math.max(0, ...series.map((s) => s.values.length));
    const xs = summary.seriesX ?? Float64Array.from({ length: n }, (_, i) => i + 1);
    const stride = Math.max(1, Math.ceil(n / MAX_POINTS));
    const rows: Array<Record<string, number>> = [];
    for (let i = 0; i < n; i += stride) {
      if (!Number.isFinite(xs[i])) continue;
      const row: Record<string, number> = { x: xs[i] };
      for (const s of series) if (i < s.values.length && Number.isFinite(s.values[i])) row[s.name] = s.values[i];
      rows.push(row);
    }
    return rows;
    // series is a slice of summary.series: it changes exactly when the summary does.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [summary]);
  if (data.length === 0) return null;
  const x0 = data[0].x;
  const x1 = data[data.length - 1].x;
  const valX = validationStart !== null && validationStart < summary.length ? axis.x(validationStart) : null;
  const last = series.length - 1;
  return (
    <div className="series-chart" data-testid="data-chart" data-x={axis.isTime ? 'time' : 'row'} data-x-range={`${axis.format(x0)} – ${axis.format(x1)}`}>
      {series.map((s, k) => (
        <div key={s.name} className="strip">
          <span className="strip-name" style={{ color: seriesColor(k) }} title={s.name}>
            {s.name}
          </span>
          <ResponsiveContainer width="100%" height={STRIP_HEIGHT + (k === last ? 18 : 0)}>
            <LineChart data={data} syncId="data-preview" margin={{ top: 4, right: 8, bottom: 0, left: -16 }}>
              <XAxis dataKey="x" type="number" domain={[x0, x1]} hide={k !== last} tick={AXIS} stroke={AXIS.stroke} tickFormatter={axis.format} tickCount={6} />
              <YAxis tick={AXIS} stroke={AXIS.stroke} domain={['auto', 'auto']} tickFormatter={formatTick} tickCount={3} width={56} />
              {valX !== null && <ReferenceArea x1={valX} x2={x1} fill="#8b91a1" fillOpacity={0.12} ifOverflow="hidden" />}
              <Tooltip contentStyle={TOOLTIP_STYLE} labelFormatter={(x) => `${axis.title} ${axis.format(Number(x))}`} formatter={(v) => formatTick(Number(v))} />
              <Line dataKey={s.name} stroke={seriesColor(k)} dot={false} strokeWidth={1} isAnimationActive={false} connectNulls />
            </LineChart>
          </ResponsiveContainer>
        </div>
      ))}
      <p className="hint">
        {summary.length.toLocaleString()} rows, x: {axis.isTime ? `${axis.title} (${summary.time?.described})` : 'row'}
        {valX !== null && ' · shaded: validation'}
        {summary.series.length > MAX_SERIES && ` · the first ${MAX_SERIES} of ${summary.series.length} columns`}
      </p>
    </div>
  );
});
