// A small line chart drawn on <canvas>, for the views that change with every training step.
// A recharts redraw builds and lays out hundreds of SVG elements; on a busy machine that is a
// 50-150 ms main-thread task, several times a second. Here a redraw is a few hundred canvas calls
// (well under a millisecond of work per line) and React only renders the legend.

import { useEffect, useRef, useState } from 'react';
import { AXIS, GRID, formatTick } from './palette';

export interface LineSeries {
  name: string;
  color: string;
  xs: ArrayLike<number>;
  ys: ArrayLike<number>;
  width?: number;
  dash?: number[];
  opacity?: number;
  /** Draw steps (for class ids) instead of straight segments. */
  step?: boolean;
  /** Leave out of the legend (faded snapshots). */
  hideInLegend?: boolean;
}

export interface LineCanvasProps {
  series: LineSeries[];
  height: number;
  logY?: boolean;
  /** Fixed y range; otherwise from the data. */
  yDomain?: [number, number];
  xLabel?: string;
  /** Labels of the x ticks (dates on a time axis); short numbers otherwise. */
  xFormat?: (v: number) => string;
  yFormat?: (v: number) => string;
  legend?: boolean;
  testId?: string;
  /** Steps to point out (the best validation step): a dotted vertical line, a dot at y, a label. */
  marks?: LineMark[];
}

export interface LineMark {
  x: number;
  /** A point on the line to ring (on the chart's own scale). */
  y?: number;
  color: string;
  label: string;
}

const PAD = { left: 56, right: 12, top: 8, bottom: 22 };
/** Room under the axis for an x label. */
const LABEL_ROOM = 14;

function niceLinearTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(+v.toPrecision(12));
  return out;
}

function logTicks(lo: number, hi: number): number[] {
  const out: number[] = [];
  const a = Math.floor(Math.log10(lo));
  const b = Math.ceil(Math.log10(hi));
  const every = Math.max(1, Math.ceil((b - a) / 6));
  for (let e = a; e <= b; e += every) out.push(10 ** e);
  return out;
}

function extent(series: LineSeries[], log: boolean): { x: [number, number]; y: [number, number] } {
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  for (const s of series) {
    for (let i = 0; i < s.xs.length; i++) {
      const y = s.ys[i];
      if (!Number.isFinite(y) || (log && y <= 0)) continue;
      x0 = Math.min(x0, s.xs[i]);
      x1 = Math.max(x1, s.xs[i]);
      y0 = Math.min(y0, y);
      y1 = Math.max(y1, y);
    }
  }
  if (!Number.isFinite(x0)) return { x: [0, 1], y: log ? [0.1, 1] : [0, 1] };
  if (x1 === x0) x1 = x0 + 1;
  if (log) return { x: [x0, x1], y: [10 ** Math.floor(Math.log10(y0)), 10 ** Math.ceil(Math.log10(y1))] };
  const pad = (y1 - y0) * 0.05 || Math.abs(y0) * 0.1 || 1;
  return { x: [x0, x1], y: [y0 - pad, y1 + pad] };
}

const CANVAS_FONT = `${AXIS.fontSize}px system-ui, sans-serif`;

/**
 * Draws text once on a scratch canvas. The first canvas text of a page resolves and loads the
 * font (tens of milliseconds on Linux); run at startup, that cost does not land on the first
 * chart drawn while a model trains.
 */
export function warmCanvasText(): void {
  const ctx = document.createElement('canvas').getContext('2d');
  if (!ctx) return;
  ctx.font = CANVAS_FONT;
  ctx.fillText('0.1 1e-2 LSTM', 0, 10);
}

function draw(canvas: HTMLCanvasElement, width: number, p: LineCanvasProps): void {
  const dpr = window.devicePixelRatio || 1;
  // Resizing reallocates the canvas's backing store: only when the size changed.
  const pixelWidth = Math.round(width * dpr);
  const pixelHeight = Math.round(p.height * dpr);
  if (canvas.width !== pixelWidth) canvas.width = pixelWidth;
  if (canvas.height !== pixelHeight) canvas.height = pixelHeight;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, width, p.height);
  const log = Boolean(p.logY);
  const ext = extent(p.series, log);
  const [y0, y1] = p.yDomain ?? ext.y;
  const [x0, x1] = ext.x;
  const w = width - PAD.left - PAD.right;
  const h = p.height - PAD.top - PAD.bottom - (p.xLabel ? LABEL_ROOM : 0);
  const fy = log ? (v: number) => (Math.log10(v) - Math.log10(y0)) / (Math.log10(y1) - Math.log10(y0)) : (v: number) => (v - y0) / (y1 - y0);
  const X = (v: number) => PAD.left + ((v - x0) / (x1 - x0)) * w;
  const Y = (v: number) => PAD.top + (1 - fy(v)) * h;
  const fmt = p.yFormat ?? (log ? (v: number) => v.toExponential(0) : formatTick);
  const xFmt = p.xFormat ?? formatTick;

  ctx.font = CANVAS_FONT;
  ctx.lineWidth = 1;
  ctx.strokeStyle = GRID;
  ctx.fillStyle = AXIS.stroke;
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (const t of log ? logTicks(y0, y1) : niceLinearTicks(y0, y1)) {
    const y = Y(t);
    if (y < PAD.top - 1 || y > PAD.top + h + 1) continue;
    ctx.beginPath();
    ctx.moveTo(PAD.left, y);
    ctx.lineTo(PAD.left + w, y);
    ctx.stroke();
    ctx.fillText(fmt(t), PAD.left - 6, y);
  }
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  for (const t of niceLinearTicks(x0, x1, 6)) {
    const x = X(t);
    ctx.beginPath();
    ctx.moveTo(x, PAD.top);
    ctx.lineTo(x, PAD.top + h);
    ctx.stroke();
    ctx.fillText(xFmt(t), x, PAD.top + h + 4);
  }
  if (p.xLabel) {
    ctx.textAlign = 'right';
    ctx.fillText(p.xLabel, PAD.left + w, PAD.top + h + 4 + AXIS.fontSize);
  }

  ctx.save();
  ctx.beginPath();
  ctx.rect(PAD.left, PAD.top, w, h);
  ctx.clip();
  for (const s of p.series) {
    ctx.strokeStyle = s.color;
    ctx.globalAlpha = s.opacity ?? 1;
    ctx.lineWidth = s.width ?? 1.5;
    ctx.setLineDash(s.dash ?? []);
    ctx.beginPath();
    let pen = false;
    let lastY = 0;
    for (let i = 0; i < s.xs.length; i++) {
      const v = s.ys[i];
      if (!Number.isFinite(v) || (log && v <= 0)) {
        pen = false;
        continue;
      }
      const x = X(s.xs[i]);
      const y = Y(Math.min(Math.max(v, log ? y0 / 10 : y0 - (y1 - y0)), log ? y1 * 10 : y1 + (y1 - y0)));
      if (!pen) ctx.moveTo(x, y);
      else if (s.step) {
        ctx.lineTo(x, lastY);
        ctx.lineTo(x, y);
      } else ctx.lineTo(x, y);
      pen = true;
      lastY = y;
    }
    ctx.stroke();
  }
  ctx.globalAlpha = 1;
  ctx.setLineDash([2, 3]);
  ctx.lineWidth = 1;
  ctx.textAlign = 'left';
  ctx.textBaseline = 'top';
  for (const m of p.marks ?? []) {
    if (!(m.x >= x0 && m.x <= x1)) continue;
    const x = X(m.x);
    ctx.strokeStyle = m.color;
    ctx.fillStyle = m.color;
    ctx.beginPath();
    ctx.moveTo(x, PAD.top);
    ctx.lineTo(x, PAD.top + h);
    ctx.stroke();
    if (m.y !== undefined && Number.isFinite(m.y) && (!log || m.y > 0)) {
      ctx.beginPath();
      ctx.arc(x, Y(m.y), 3.5, 0, 2 * Math.PI);
      ctx.fill();
    }
    ctx.fillText(m.label, Math.min(x + 4, PAD.left + w - ctx.measureText(m.label).width), PAD.top + 2);
  }
  ctx.setLineDash([]);
  ctx.restore();
}

/** A legend's sample of a line: its colour, and its dashes where it has them (validation against training). */
export function LegendSwatch({ color, dash, opacity }: { color: string; dash?: number[]; opacity?: number }) {
  return (
    <svg className="swatch" width={18} height={6} aria-hidden="true" style={{ opacity: opacity ?? 1 }}>
      <line x1={0} y1={3} x2={18} y2={3} stroke={color} strokeWidth={2} strokeDasharray={dash?.join(' ')} />
    </svg>
  );
}

export function LineCanvas(props: LineCanvasProps) {
  const ref = useRef<HTMLCanvasElement>(null);
  const [width, setWidth] = useState(0);
  useEffect(() => {
    const el = ref.current?.parentElement;
    if (!el) return;
    const observer = new ResizeObserver(() => setWidth(el.clientWidth));
    observer.observe(el);
    setWidth(el.clientWidth);
    return () => observer.disconnect();
  }, []);
  useEffect(() => {
    if (ref.current && width > 0) draw(ref.current, width, props);
  });
  const named = props.series.filter((s) => !s.hideInLegend);
  return (
    <div className="line-canvas" data-testid={props.testId} data-marks={props.marks?.length ? props.marks.map((m) => m.x).join(' ') : undefined}>
      <canvas ref={ref} style={{ width: '100%', height: props.height, display: 'block' }} />
      {props.legend !== false && named.length > 0 && (
        <ul className="legend">
          {named.map((s) => (
            <li key={s.name}>
              <LegendSwatch color={s.color} dash={s.dash} opacity={s.opacity} />
              {s.name}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
