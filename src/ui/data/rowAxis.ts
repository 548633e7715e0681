// The x axis of a table's charts: a row of the table the run trains on, drawn as its date where a
// column reads as time (DataSummary.time), else as the row number (1-based, as a person counts).

import { formatTime } from '../../data/timeAxis';
import type { DataSummary } from '../../worker/protocol';

export { formatTime };

export interface RowAxis {
  /** The x value of table row `row` (0-based): its time in ms, or row + 1. */
  x(row: number): number;
  /** An x value as a label: a date at the axis' unit, or a row number. */
  format(x: number): string;
  /** The axis title: the time column's name, or "row". */
  title: string;
  isTime: boolean;
}

export function rowAxis(summary: DataSummary | null): RowAxis {
  const time = summary?.kind === 'table' ? summary.time : undefined;
  if (!time) return { x: (row) => row + 1, format: (x) => String(Math.round(x)), title: 'row', isTime: false };
  const { ms, unit, column } = time;
  // Rows past the end (a forecast) continue at the last step's spacing.
  const n = ms.length;
  const step = n >= 2 ? ms[n - 1] - ms[n - 2] : 0;
  return {
    x: (row) => (row < n ? ms[Math.max(0, row)] : ms[n - 1] + (row - n + 1) * step),
    format: (x) => formatTime(x, unit),
    title: column,
    isTime: true,
  };
}
