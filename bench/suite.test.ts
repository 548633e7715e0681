// attachPeer: each row gets its spec's time from the peer (a spec shared by rows timed once), a
// failed spec leaves the row alone, and in `faster` mode a second peer replaces the first only
// where it is faster, the other's time named in the note either way.

import { describe, expect, it } from 'vitest';
import { attachPeer, type BenchConfig, type BenchRow, type Peer, type PeerSpec } from './suite';

const spec = (hidden: number): PeerSpec => ({ op: 'train', cell: 'lstm', batch: 2, seqLen: 3, input: 1, hidden, output: 1, lr: 1e-3, clipNorm: 1 });
const row = (hidden: number, ms: number): BenchRow => ({
  case: 'cpu:lstm-train', group: 'train', size: hidden, shape: `H${hidden}`, ms, msMin: ms, msMax: ms, rate: null, unit: null,
  timing: 'wall-clock', batch: 1, reps: 1, check: 'ok', memBytes: null, peerSpec: spec(hidden),
});

function peer(name: string, msOf: (s: PeerSpec) => number | null): Peer & { asked: PeerSpec[][] } {
  const asked: PeerSpec[][] = [];
  return {
    name,
    asked,
    async measure(specs) {
      asked.push([...specs]);
      return specs.map((s) => {
        const ms = msOf(s);
        return ms === null ? null : { name, ms, timing: 'wall-clock' };
      });
    },
  };
}

const config = {} as BenchConfig;

describe('attachPeer', () => {
  it('keeps the faster of two peers per row and names the other', async () => {
    const rows = [row(7, 2), row(7, 3), row(9, 5), row(11, 1)];
    const cpu = peer('tfjs-cpu', (s) => (s.op === 'train' && s.hidden === 11 ? null : s.op === 'train' ? s.hidden * 10 : 0));
    expect(await attachPeer(rows, cpu, config)).toBeNull();
    expect(cpu.asked[0].length).toBe(3);
    expect(rows.map((r) => r.peer?.ms)).toEqual([70, 70, 90, undefined]);
    expect(rows[0].ratio).toBeCloseTo(2 / 70, 12);
    // wasm is faster at hidden 7, slower at 9, and the only one at 11.
    const wasm = peer('tfjs-wasm', (s) => (s.op === 'train' ? ({ 7: 20, 9: 120, 11: 4 } as Record<number, number>)[s.hidden] : 0));
    expect(await attachPeer(rows, wasm, config, () => {}, true)).toBeNull();
    expect(rows.map((r) => r.peer?.name)).toEqual(['tfjs-wasm', 'tfjs-wasm', 'tfjs-cpu', 'tfjs-wasm']);
    expect(rows.map((r) => r.ratio)).toEqual([2 / 20, 3 / 20, 5 / 90, 1 / 4]);
    expect(rows.map((r) => r.note)).toEqual(['tfjs-cpu 70.00 ms', 'tfjs-cpu 70.00 ms', 'tfjs-wasm 120.0 ms', undefined]);
  });

  it('without `faster` a second peer replaces the first; a peer that throws is reported, rows untouched', async () => {
    const rows = [row(7, 2)];
    await attachPeer(rows, peer('a', () => 1), config);
    await attachPeer(rows, peer('b', () => 50), config);
    expect(rows[0].peer?.name).toBe('b');
    expect(rows[0].note).toBeUndefined();
    const broken: Peer = { name: 'x', measure: async () => { throw new Error('no backend'); } };
    const said: string[] = [];
    expect(await attachPeer(rows, broken, config, (m) => said.push(m), true)).toBe('no backend');
    expect(rows[0].peer?.name).toBe('b');
    expect(said).toEqual(['peer x skipped: no backend']);
  });
});
