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

export const AXIS = { stroke: '#8b91a1', fontSize: 11 };
export const GRID = '#272b36';
export const TOOLTIP_STYLE = { background: '#171a21', border: '1px solid #272b36', fontSize: 12 };
