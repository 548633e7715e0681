// Leaving the page: the run is saved when the tab is hidden (the last moment a page can count on),
// and the browser asks before closing only when something is unsaved (a save failed, or training
// moved on since the last one).

import { saveRunNow } from '../engine';
import { useStore } from '../store';

export function startSaveOnLeave(): void {
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') saveRunNow();
  });
  window.addEventListener('beforeunload', (event) => {
    const state = useStore.getState().saveState;
    if (state !== 'unsaved' && state !== 'failed') return;
    saveRunNow();
    event.preventDefault();
    // Older browsers ask only when returnValue is set.
    event.returnValue = '';
  });
}
