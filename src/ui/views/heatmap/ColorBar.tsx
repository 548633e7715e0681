import type { ColorScale } from './colormap';

/** The colour scale of a heatmap with its end values. */
export function ColorBar({ scale }: { scale: ColorScale }) {
  const stops = Array.from({ length: 11 }, (_, i) => `${scale.interpolate(i / 10)} ${i * 10}%`).join(', ');
  return (
    <div className="colorbar">
      <span>{scale.lo.toPrecision(2)}</span>
      <div className="colorbar-ramp" style={{ background: `linear-gradient(to right, ${stops})` }} />
      <span>{scale.hi.toPrecision(2)}</span>
    </div>
  );
}
