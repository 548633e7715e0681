// Tables as CSV (RFC 4180: comma-separated, quoted where a cell holds a comma, quote or line
// break, CRLF between records) and the one join every line chart needs: several series on a
// shared x axis, one column each, one row per x value any series has. Plain data, no DOM.

export type Cell = string | number | null;

export interface Table {
  header: string[];
  rows: Cell[][];
}

/** A number as the shortest text that reads back to the same double; blank for a gap (NaN, ±∞, null). */
function cellText(c: Cell): string {
  if (c === null) return '';
  if (typeof c === 'number') return Number.isFinite(c) ? String(c) : '';
  return /[",\r\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c;
}

export function toCsv(table: Table): string {
  return [table.header, ...table.rows].map((r) => r.map(cellText).join(',')).join('\r\n') + '\r\n';
}

export interface XSeries {
  /** The column's header. */
  name: string;
  xs: ArrayLike<number>;
  ys: ArrayLike<number>;
}

/**
 * Series joined on x: the first column is x (as `formatX` writes it, e.g. a date, or the number),
 * then one column per series; rows in increasing x, a blank where a series has no finite value
 * at that x (a model that joined later, validation only every few steps, a break in a line).
 */
export function joinOnX(xTitle: string, series: XSeries[], formatX?: (x: number) => string): Table {
  const xs = new Set<number>();
  const byX = series.map((s) => {
    const m = new Map<number, number>();
    for (let i = 0; i < s.xs.length; i++) {
      const y = s.ys[i];
      if (!Number.isFinite(y) || !Number.isFinite(s.xs[i])) continue;
      m.set(s.xs[i], y);
      xs.add(s.xs[i]);
    }
    return m;
  });
  const rows = [...xs].sort((a, b) => a - b).map((x): Cell[] => [formatX ? formatX(x) : x, ...byX.map((m) => m.get(x) ?? null)]);
  return { header: [xTitle, ...series.map((s) => s.name)], rows };
}
