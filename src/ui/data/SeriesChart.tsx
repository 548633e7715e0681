// The loaded data as a line chart (the worker sends up to 2,000 points per column).

import { memo, useMemo } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { DataSummary } from '../../worker/protocol';
import { AXIS, GRID, TOOLTIP_STYLE, formatTick, seriesColor } from '../views/palette';

const MAX_POINTS = 600;
const MAX_SERIES = 6;

export const SeriesChart = memo(function SeriesChart({ summary }: { summary: DataSummary }) {
  const data = useMemo(() => {
    const series = summary.series.slice(0, MAX_SERIES);
    const n = Math.max(0, ...series.map((s) => s.values.length));
    const stride = Math.max(1, Math.ceil(n / MAX_POINTS));
    const rows: Array<Record<string, number>> = [];
    for (let i = 0; i < n; i += stride) {
      const row: Record<string, number> = { i };
      for (const s of series) if (i < s.values.length && Number.isFinite(s.values[i])) row[s.name] = s.values[i];
      rows.push(row);
    }
    return rows;
  }, [summary]);
  const series = summary.series.slice(0, MAX_SERIES);
  if (data.length === 0) return null;
  return (
    <div className="series-chart" data-testid="data-chart">
      <ResponsiveContainer width="100%" height={150}>
        <LineChart data={data} margin={{ top: 4, right: 8, bottom: 0, left: -16 }}>
          <CartesianGrid stroke={GRID} />
          <XAxis dataKey="i" type="number" domain={['dataMin', 'dataMax']} tick={AXIS} stroke={AXIS.stroke} />
          <YAxis tick={AXIS} stroke={AXIS.stroke} domain={['auto', 'auto']} tickFormatter={formatTick} />
          <Tooltip contentStyle={TOOLTIP_STYLE} />
          {series.length > 1 && <Legend wrapperStyle={{ fontSize: 11 }} />}
          {series.map((s, k) => (
            <Line key={s.name} dataKey={s.name} stroke={seriesColor(k)} dot={false} strokeWidth={1} isAnimationActive={false} connectNulls />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
});
