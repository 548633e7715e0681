// Colours shared by the charts: a categorical scheme for series, and the heatmap colour maps.

import { interpolateRdBu, interpolateViridis, schemeTableau10 } from 'd3-scale-chromatic';

export function seriesColor(i: number): string {
  return schemeTableau10[i % schemeTableau10.length];
}

/** Signed values: blue below zero, red above, white-ish at zero (RdBu reversed). */
export function diverging(t: number): string {
  return interpolateRdBu(1 - t);
}

export const sequential = interpolateViridis;

/** Short axis labels: 0.25, 12.5, 3.4k, 1.2M, 2e-4. */
export function formatTick(v: number): string {
  const a = Math.abs(v);
  if (a === 0) return '0';
  if (a >= 1e6) return `${+(v / 1e6).toPrecision(3)}M`;
  if (a >= 1e4) return `${+(v / 1e3).toPrecision(3)}k`;
  if (a < 1e-2) return v.toExponential(0);
  return String(+v.toPrecision(3));
}

export const AXIS = { stroke: '#8b91a1', fontSize: 11 };
export const GRID = '#272b36';
export const TOOLTIP_STYLE = { background: '#171a21', border: '1px solid #272b36', fontSize: 12 };
