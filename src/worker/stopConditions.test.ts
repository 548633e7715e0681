import { describe, expect, it } from 'vitest';
import { stopAfterWindow } from './stopConditions';

const state = (over: Partial<Parameters<typeof stopAfterWindow>[1]> = {}) => ({ stepBefore: 9, step: 10, validated: false, sinceBest: [0, 0], ...over });

describe('stop conditions', () => {
  it('pause at step: only in the window that reaches it, also when a window takes several steps', () => {
    expect(stopAfterWindow({ pauseAt: 10 }, state())).toEqual({ kind: 'step', reason: 'paused at step 10, as "Pause at step" asks' });
    expect(stopAfterWindow({ pauseAt: 10 }, state({ stepBefore: 10, step: 11 }))).toBeNull();
    expect(stopAfterWindow({ pauseAt: 10 }, state({ stepBefore: 7, step: 12 }))?.kind).toBe('step');
    expect(stopAfterWindow({ pauseAt: 0 }, state())).toBeNull();
    expect(stopAfterWindow({}, state())).toBeNull();
    expect(stopAfterWindow({ pauseAt: 1300 }, state({ stepBefore: 1299, step: 1300 }))?.reason).toBe('paused at step 1,300, as "Pause at step" asks');
  });

  it('pause when validation stalls: every model still training stalled, right after an evaluation', () => {
    expect(stopAfterWindow({ patience: 3 }, state({ validated: true, sinceBest: [3, 4] }))).toEqual({ kind: 'stalled', reason: 'paused at step 10: no validation loss has improved for 3 evaluations' });
    expect(stopAfterWindow({ patience: 3 }, state({ validated: true, sinceBest: [3, 2] }))).toBeNull();
    expect(stopAfterWindow({ patience: 3 }, state({ validated: false, sinceBest: [5, 5] }))).toBeNull();
    expect(stopAfterWindow({ patience: 3 }, state({ validated: true, sinceBest: [] }))).toBeNull();
    expect(stopAfterWindow({ patience: 1 }, state({ validated: true, sinceBest: [1] }))?.reason).toMatch(/for 1 evaluation$/);
  });
});
