// React's window onto the telemetry: a version number that changes at most once per frame, or
// at most every `minIntervalMs` for heavier views (recharts), so components recompute their
// derived data only then.

import { useCallback, useRef, useSyncExternalStore } from 'react';
import { telemetry } from '../telemetry';

export function useTelemetryVersion(minIntervalMs = 0): number {
  const seen = useRef(telemetry.version);
  const subscribe = useCallback(
    (notify: () => void) => {
      let last = 0;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const deliver = () => {
        timer = undefined;
        last = performance.now();
        seen.current = telemetry.version;
        notify();
      };
      const unsubscribe = telemetry.subscribe(() => {
        const wait = minIntervalMs - (performance.now() - last);
        if (wait <= 0) deliver();
        else if (timer === undefined) timer = setTimeout(deliver, wait);
      });
      return () => {
        unsubscribe();
        if (timer !== undefined) clearTimeout(timer);
      };
    },
    [minIntervalMs],
  );
  return useSyncExternalStore(subscribe, () => seen.current);
}
