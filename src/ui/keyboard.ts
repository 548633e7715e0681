// Keyboard: space plays or pauses, the right arrow takes one step, except while typing, and
// except where the focused control has its own use for the key (space presses a focused button
// or ticks a checkbox; arrows move a slider or between radio buttons).

import { useEffect } from 'react';
import { stepOnce, togglePlay } from './engine';

/** Controls that use the key themselves; the shortcut stays out of their way. */
function ownsKey(target: EventTarget | null, key: string): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag === 'INPUT') {
    const type = (target as HTMLInputElement).type;
    if (key === ' ') return true;
    return !['checkbox', 'button', 'submit', 'reset', 'file'].includes(type);
  }
  return key === ' ' && (tag === 'BUTTON' || tag === 'SUMMARY' || target.getAttribute('role') === 'tab');
}

export function useKeyboardShortcuts(): void {
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || ownsKey(event.target, event.key)) return;
      if (event.key === ' ') {
        event.preventDefault();
        togglePlay();
      } else if (event.key === 'ArrowRight') {
        event.preventDefault();
        stepOnce();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
