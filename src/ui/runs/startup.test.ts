// Which saved run a starting page opens: the one a reloaded tab had, the link's, the last one for a
// bare address, the newest with the linked file's name, or none.

import { describe, expect, it } from 'vitest';
import type { RunMeta } from '../../worker/protocol';
import { DEFAULT_CHOICE } from '../state/defaults';
import { encodeHash } from '../url/hashState';
import { hashStateOf, pickStartRun } from './startup';

function meta(id: string, over: Partial<RunMeta> = {}, lr = 0.01): RunMeta {
  return {
    id,
    name: id,
    created: 0,
    saved: 0,
    source: { kind: 'builtin', id: 'sine-mix', params: { length: 1200 }, seed: 1 },
    shape: { time: 'auto', key: 'auto', keys: [] },
    run: {
      models: [{ id: 'a', kind: 'lstm', layers: 1, hidden: 16, dState: 8, expand: 2, bidirectional: false, initialState: 'zeros' }],
      training: { optimizer: 'adam', lr, batch: 16, seqLen: 24, tbptt: 0, clip: 1, speed: 'max', validateEvery: 10 },
      data: DEFAULT_CHOICE,
      seed: 1,
    },
    models: ['LSTM 1×16'],
    step: 5,
    bestValidation: null,
    bytes: 0,
    ...over,
  };
}

describe('the run a starting page opens', () => {
  const newest = meta('new', {}, 0.02);
  const older = meta('old');
  const file = meta('file', { source: { kind: 'file', name: 'sales.csv', size: 10 } });
  const runs = [newest, older, file];

  it('opens the last run for a bare address, and none when nothing is saved', () => {
    expect(pickStartRun(runs, '')?.id).toBe('new');
    expect(pickStartRun([], '')).toBeNull();
  });

  it("opens the run whose settings are the link's, whatever its speed", () => {
    const link = encodeHash(hashStateOf(older));
    expect(pickStartRun(runs, `#${link}`)?.id).toBe('old');
    const slower = encodeHash({ ...hashStateOf(older), training: { ...older.run.training, speed: 5 } });
    expect(pickStartRun(runs, `#${slower}`)?.id).toBe('old');
  });

  it('starts afresh from a link to settings never saved here', () => {
    const other = encodeHash({ ...hashStateOf(older), seed: 99 });
    expect(pickStartRun(runs, `#${other}`)).toBeNull();
  });

  it('a reloaded tab opens the run it had in place, or none after it was reset', () => {
    const link = `#${encodeHash(hashStateOf(older))}`;
    expect(pickStartRun(runs, link, 'file')?.id).toBe('file');
    expect(pickStartRun(runs, link, '')).toBeNull();
    expect(pickStartRun(runs, link, 'deleted-since')).toBeNull();
  });

  it('opens the newest run saved with the file a link names', () => {
    const link = encodeHash({ ...hashStateOf(file), seed: 42 });
    expect(pickStartRun(runs, `#${link}`)?.id).toBe('file');
    expect(pickStartRun(runs, `#${encodeHash({ ...hashStateOf(file), fileName: 'other.csv' })}`)).toBeNull();
  });
});
