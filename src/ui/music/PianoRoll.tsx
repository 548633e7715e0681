// A piano roll on a canvas: time across (beats, a line every bar), pitch up (a band per
// semitone, C rows marked), each layer of notes in its colour (the data, a primer, a model's
// continuation); a playhead while that melody sounds; hovering a note names it with its start
// and length.

import { useEffect, useRef, useState } from 'react';
import { nameOf } from '../../data/melodies';
import type { TimedNote } from '../../data/midi/write';
import { playheadBeat } from './synth';

export interface RollLayer {
  notes: readonly TimedNote[];
  color: string;
  label: string;
}

const W = 900;
const H = 180;

function extent(layers: readonly RollLayer[]) {
  let lo = Infinity;
  let hi = -Infinity;
  let end = 4;
  for (const l of layers) for (const n of l.notes) {
    lo = Math.min(lo, n.pitch);
    hi = Math.max(hi, n.pitch);
    end = Math.max(end, n.start + n.beats);
  }
  if (!Number.isFinite(lo)) [lo, hi] = [60, 72];
  return { lo: lo - 2, hi: hi + 2, end: Math.ceil(end / 4) * 4 };
}

export function PianoRoll(props: { layers: readonly RollLayer[]; tag: string; beatsPerBar?: number; testId: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [hover, setHover] = useState<{ x: number; y: number; text: string } | null>(null);
  const { lo, hi, end } = extent(props.layers);
  const bar = props.beatsPerBar ?? 4;
  const xOf = (beat: number) => (beat / end) * W;
  const rowH = H / (hi - lo + 1);
  const yOf = (pitch: number) => (hi - pitch) * rowH;

  useEffect(() => {
    const el = canvas.current;
    const g = el?.getContext('2d');
    if (!el || !g) return;
    let frame = 0;
    const draw = () => {
      g.fillStyle = '#101318';
      g.fillRect(0, 0, W, H);
      for (let p = lo; p <= hi; p++) {
        if ([1, 3, 6, 8, 10].includes(((p % 12) + 12) % 12)) {
          g.fillStyle = '#0b0d11';
          g.fillRect(0, yOf(p), W, rowH);
        }
        if (p % 12 === 0) {
          g.fillStyle = '#2a2f3a';
          g.fillRect(0, yOf(p) + rowH - 1, W, 1);
        }
      }
      g.fillStyle = '#2a2f3a';
      for (let b = 0; b <= end; b += bar) g.fillRect(Math.round(xOf(b)), 0, 1, H);
      for (const layer of props.layers) {
        g.fillStyle = layer.color;
        for (const n of layer.notes) g.fillRect(xOf(n.start) + 0.5, yOf(n.pitch) + 0.5, Math.max(1.5, xOf(n.beats) - 1), Math.max(1.5, rowH - 1));
      }
      const beat = playheadBeat(props.tag);
      if (beat !== null) {
        g.fillStyle = '#ffffff';
        g.fillRect(Math.round(xOf(beat)), 0, 2, H);
      }
      frame = beat !== null ? requestAnimationFrame(draw) : 0;
    };
    draw();
    // While this roll's melody sounds, redraw every frame; otherwise once per change.
    const poll = setInterval(() => {
      if (!frame && playheadBeat(props.tag) !== null) draw();
    }, 100);
    return () => {
      cancelAnimationFrame(frame);
      clearInterval(poll);
    };
  });

  const onMove = (e: React.MouseEvent<HTMLCanvasElement>) => {
    const r = e.currentTarget.getBoundingClientRect();
    const beat = ((e.clientX - r.left) / r.width) * end;
    const pitch = hi - Math.floor(((e.clientY - r.top) / r.height) * (hi - lo + 1));
    for (const layer of props.layers) {
      const n = layer.notes.find((m) => m.pitch === pitch && beat >= m.start && beat < m.start + m.beats);
      if (n) {
        const at = `bar ${Math.floor(n.start / bar) + 1}, beat ${+((n.start % bar) + 1).toFixed(2)}`;
        setHover({ x: e.clientX - r.left, y: e.clientY - r.top, text: `${nameOf(n.pitch)} · ${layer.label} · starts ${at} · ${n.beats} beat${n.beats === 1 ? '' : 's'}` });
        return;
      }
    }
    setHover(null);
  };

  return (
    <div className="piano-roll">
      <canvas ref={canvas} width={W} height={H} data-testid={props.testId} onMouseMove={onMove} onMouseLeave={() => setHover(null)} />
      {hover && (
        <div className="roll-hover" style={{ left: hover.x + 12, top: hover.y + 8 }} data-testid="roll-hover">
          {hover.text}
        </div>
      )}
    </div>
  );
}
