// React's window onto the telemetry: a version number that changes at most once per frame, or
// at most every `minIntervalMs` for heavier views (recharts), so components recompute their
// derived data only then. Heavy views also take turns: at most one of them re-renders per
// animation frame, so no single main-thread task redraws several charts at once.

import { useCallback, useRef, useSyncExternalStore } from 'react';
import { telemetry } from '../telemetry';

const turns: Array<() => void> = [];
let pumping = false;

function pump(): void {
  const next = turns.shift();
  next?.();
  if (turns.length > 0) requestAnimationFrame(pump);
  else pumping = false;
}

/** Runs `deliver` in a frame of its own, after the heavy views queued before it. */
function takeTurn(deliver: () => void): void {
  if (!turns.includes(deliver)) turns.push(deliver);
  if (!pumping) {
    pumping = true;
    requestAnimationFrame(pump);
  }
}

export function useTelemetryVersion(minIntervalMs = 0): number {
  const seen = useRef(telemetry.version);
  const subscribe = useCallback(
    (notify: () => void) => {
      let last = 0;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const deliver = () => {
        last = performance.now();
        seen.current = telemetry.version;
        notify();
      };
      const due = () => {
        timer = undefined;
        if (minIntervalMs > 0) takeTurn(deliver);
        else deliver();
      };
      const unsubscribe = telemetry.subscribe(() => {
        const wait = minIntervalMs - (performance.now() - last);
        if (wait <= 0) due();
        else if (timer === undefined) timer = setTimeout(due, wait);
      });
      return () => {
        unsubscribe();
        if (timer !== undefined) clearTimeout(timer);
        const i = turns.indexOf(deliver);
        if (i >= 0) turns.splice(i, 1);
      };
    },
    [minIntervalMs],
  );
  return useSyncExternalStore(subscribe, () => seen.current);
}
