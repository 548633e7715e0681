// From values to colours for the heatmaps. Signed maps (hidden states, cell states) use a
// diverging map centred on zero; sigmoid gates a fixed [0, 1] viridis range, so a gate reads the
// same from probe to probe; other positive maps (Mamba Δ) viridis over their own range.

import { diverging, sequential } from '../palette';

export interface ColorScale {
  kind: 'diverging' | 'sequential';
  lo: number;
  hi: number;
  /** 256 RGB triples. */
  lut: Uint8Array;
  interpolate(t: number): string;
}

function parseColor(css: string): [number, number, number] {
  const hex = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(css);
  if (hex) return [parseInt(hex[1], 16), parseInt(hex[2], 16), parseInt(hex[3], 16)];
  const rgb = /rgb\((\d+),\s*(\d+),\s*(\d+)\)/.exec(css);
  return rgb ? [Number(rgb[1]), Number(rgb[2]), Number(rgb[3])] : [0, 0, 0];
}

const luts = new Map<(t: number) => string, Uint8Array>();
function lutOf(interpolate: (t: number) => string): Uint8Array {
  let lut = luts.get(interpolate);
  if (!lut) {
    lut = new Uint8Array(256 * 3);
    for (let i = 0; i < 256; i++) lut.set(parseColor(interpolate(i / 255)), i * 3);
    luts.set(interpolate, lut);
  }
  return lut;
}

/** Gates squashed by a sigmoid: always in [0, 1]. */
export const SIGMOID_GATES = new Set(['input', 'forget', 'output', 'reset', 'update']);

export function scaleFor(values: Float32Array, unitRange = false): ColorScale {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (!(max >= min)) {
    min = 0;
    max = 1;
  }
  if (min < 0) {
    const m = Math.max(-min, max, 1e-12);
    return { kind: 'diverging', lo: -m, hi: m, lut: lutOf(diverging), interpolate: diverging };
  }
  if (unitRange) return { kind: 'sequential', lo: 0, hi: 1, lut: lutOf(sequential), interpolate: sequential };
  return { kind: 'sequential', lo: min, hi: max > min ? max : min + 1e-12, lut: lutOf(sequential), interpolate: sequential };
}

/** Paints a (rows × cols) map, value(row, col), into RGBA pixels; non-finite cells are grey. */
export function paint(scale: ColorScale, rows: number, cols: number, value: (r: number, c: number) => number): ImageData {
  const image = new ImageData(cols, rows);
  const px = image.data;
  const span = scale.hi - scale.lo || 1;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const v = value(r, c);
      const o = (r * cols + c) * 4;
      if (!Number.isFinite(v)) {
        px[o] = px[o + 1] = px[o + 2] = 90;
      } else {
        const i = Math.max(0, Math.min(255, Math.round(((v - scale.lo) / span) * 255))) * 3;
        px[o] = scale.lut[i];
        px[o + 1] = scale.lut[i + 1];
        px[o + 2] = scale.lut[i + 2];
      }
      px[o + 3] = 255;
    }
  }
  return image;
}
