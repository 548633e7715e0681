// A tiny animation-frame scheduler: however many messages arrive between two frames, each
// callback runs at most once, in the next frame.

const pending = new Set<() => void>();
let scheduled = false;

function flush(): void {
  scheduled = false;
  const callbacks = [...pending];
  pending.clear();
  for (const cb of callbacks) cb();
}

export function onNextFrame(callback: () => void): void {
  pending.add(callback);
  if (scheduled) return;
  scheduled = true;
  if (typeof requestAnimationFrame === 'function') requestAnimationFrame(flush);
  else setTimeout(flush, 16);
}
