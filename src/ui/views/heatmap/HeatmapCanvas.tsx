// A (time × unit) map on a canvas: time runs left to right, units top to bottom. It listens to
// the telemetry itself and repaints only when a new probe arrives, without a React render;
// hovering reads the value under the pointer.

import { useEffect, useRef, useState } from 'react';
import type { ProbeReport } from '../../../worker/protocol';
import { telemetry } from '../../telemetry';
import { ColorBar } from './ColorBar';
import { SIGMOID_GATES, paint, scaleFor, type ColorScale } from './colormap';

export interface MapRef {
  modelId: string;
  /** 'hidden' or the name of a gate map in the probe. */
  name: string;
}

interface Shown {
  values: Float32Array;
  T: number;
  units: number;
  step: number;
}

function mapOf(probe: ProbeReport | null, name: string): Shown | null {
  if (!probe) return null;
  const values = name === 'hidden' ? probe.hidden : probe.gates[name];
  if (!values || values.length === 0) return null;
  const units = name === 'hidden' ? probe.units : Math.max(1, Math.round(values.length / probe.T));
  return { values, T: Math.floor(values.length / units), units, step: probe.step };
}

const HEIGHT = 220;

export function HeatmapCanvas({ map }: { map: MapRef }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const shown = useRef<Shown | null>(null);
  const [scale, setScale] = useState<ColorScale | null>(null);
  const [readout, setReadout] = useState<string | null>(null);

  useEffect(() => {
    let drawnProbe: ProbeReport | null = null;
    const draw = (force: boolean) => {
      const probe = telemetry.models.get(map.modelId)?.probe ?? null;
      if (probe === drawnProbe && !force) return;
      drawnProbe = probe;
      const m = mapOf(probe, map.name);
      shown.current = m;
      const el = canvas.current;
      if (!el) return;
      const width = el.clientWidth || 600;
      const dpr = window.devicePixelRatio || 1;
      // Resizing reallocates the backing store: only when the size changed.
      const w = Math.round(width * dpr);
      const h = Math.round(HEIGHT * dpr);
      if (el.width !== w) el.width = w;
      if (el.height !== h) el.height = h;
      const ctx = el.getContext('2d');
      if (!ctx) return;
      ctx.clearRect(0, 0, el.width, el.height);
      if (!m) {
        setScale(null);
        return;
      }
      const s = scaleFor(m.values, SIGMOID_GATES.has(map.name));
      const image = paint(s, m.units, m.T, (unit, t) => m.values[t * m.units + unit]);
      const tile = new OffscreenCanvas(m.T, m.units);
      tile.getContext('2d')!.putImageData(image, 0, 0);
      ctx.imageSmoothingEnabled = false;
      ctx.drawImage(tile, 0, 0, el.width, el.height);
      setScale((prev) => (prev && prev.kind === s.kind && prev.lo === s.lo && prev.hi === s.hi ? prev : s));
    };
    draw(true);
    const unsubscribe = telemetry.subscribe(() => draw(false));
    const resize = new ResizeObserver(() => draw(true));
    if (canvas.current) resize.observe(canvas.current);
    return () => {
      unsubscribe();
      resize.disconnect();
    };
  }, [map.modelId, map.name]);

  const onMove = (event: React.MouseEvent<HTMLCanvasElement>) => {
    const m = shown.current;
    if (!m) return setReadout(null);
    const box = event.currentTarget.getBoundingClientRect();
    const t = Math.min(m.T - 1, Math.max(0, Math.floor(((event.clientX - box.left) / box.width) * m.T)));
    const unit = Math.min(m.units - 1, Math.max(0, Math.floor(((event.clientY - box.top) / box.height) * m.units)));
    setReadout(`t = ${t} · unit = ${unit} · ${map.name} = ${m.values[t * m.units + unit].toFixed(4)}`);
  };

  return (
    <div className="heatmap">
      <div className="axis-note">
        <span>unit ↓</span>
        <span>time →</span>
      </div>
      <canvas ref={canvas} style={{ height: HEIGHT }} data-testid="heatmap-canvas" onMouseMove={onMove} onMouseLeave={() => setReadout(null)} />
      <div className="heatmap-foot">
        <span className="readout" data-testid="heatmap-readout">
          {readout ?? 'Hover the map to read time, unit and value.'}
        </span>
        {scale && <ColorBar scale={scale} />}
      </div>
    </div>
  );
}
