// CPU twins of the linear-recurrence entry points of shaders/scan.wgsl (minGRU and minLSTM):
//   forward  h_t = a_t·h_{t-1} + b_t                 ADJOINT  g_t = b_t + a_{t+1}·g_{t+1}
// over positions p in the order of the recurrence (the adjoint's position p is time T-1-p). The
// parallel entry points' chunks are walked serially here: a chunk's total, the chunk starts, then
// every chunk from its start, which is what the three passes compute.

import { bound, constant, flatCount, type Bindings, type FamilyTwins, type Workgroups } from '../../gpu/cpu/twin';

interface Linear {
  channels: number;
  L: number;
  chunkLen: number;
  numChunks: number;
  gridY: number;
  wTotals: number;
  wStarts: number;
  pBegin: number;
  pCount: number;
  a: Float32Array;
  b: Float32Array;
}

function linear(b: Bindings, entry: string): Linear {
  const p = bound(b, 23, `${entry}.params`).u32;
  return {
    channels: p[0], L: p[1], chunkLen: p[2], numChunks: p[3], gridY: p[4], wTotals: p[5], wStarts: p[6], pBegin: p[7], pCount: p[8],
    a: bound(b, 24, `${entry}.a`).f32,
    b: bound(b, 25, `${entry}.b`).f32,
  };
}

/** Channels a (chunk, channel) grid covers: channel = wg.y + wg.z·grid_y. */
function gridChannels(l: Linear, groups: Workgroups): number {
  return Math.min(l.channels, groups[1] + (groups[2] - 1) * l.gridY);
}

/**
 * Walks positions [p0, p1) over channels [0, C): h = a·h + b at each, starting from `h`; calls
 * `write(t, h)` after each position with the time index (forward: p; adjoint: T-1-p).
 */
function walk(l: Linear, adjoint: boolean, p0: number, p1: number, C: number, h: Float64Array, write: ((row: number) => void) | null): void {
  const { L, channels } = l;
  const end = Math.min(p1, L);
  for (let p = p0; p < end; p++) {
    const t = adjoint ? L - 1 - p : p;
    const bRow = t * channels;
    if (!adjoint) {
      for (let c = 0; c < C; c++) h[c] = l.a[bRow + c] * h[c] + l.b[bRow + c];
    } else if (t + 1 < L) {
      const aRow = (t + 1) * channels;
      for (let c = 0; c < C; c++) h[c] = l.a[aRow + c] * h[c] + l.b[bRow + c];
    } else {
      for (let c = 0; c < C; c++) h[c] = h[c] + l.b[bRow + c];
    }
    if (write) write(bRow);
  }
}

export const LINEAR_SCAN_TWINS: FamilyTwins = {
  linearChunkTotals: (k) => {
    const adjoint = constant(k, 'ADJOINT', 0) !== 0;
    return (b, groups) => {
      const l = linear(b, 'linearChunkTotals');
      const work = bound(b, 8, 'linearChunkTotals.work').f32;
      const C = gridChannels(l, groups);
      // A chunk's total pair (A, B): B is the walk from 0, A the product of the a's (the walk of a unit state minus B).
      const hB = new Float64Array(C);
      const hA = new Float64Array(C);
      for (let chunk = 0; chunk < Math.min(groups[0], l.numChunks); chunk++) {
        hB.fill(0);
        walk(l, adjoint, chunk * l.chunkLen, (chunk + 1) * l.chunkLen, C, hB, null);
        hA.fill(1);
        walk(l, adjoint, chunk * l.chunkLen, (chunk + 1) * l.chunkLen, C, hA, null);
        for (let c = 0; c < C; c++) {
          const i = c * l.numChunks + chunk;
          work[l.wTotals + i] = hA[c] - hB[c];
          work[l.wTotals + l.channels * l.numChunks + i] = hB[c];
        }
      }
    };
  },
  linearChunkCarries: () => (b, groups) => {
    const p = bound(b, 23, 'linearChunkCarries.params').u32;
    const work = bound(b, 8, 'linearChunkCarries.work').f32;
    const init = bound(b, 26, 'linearChunkCarries.init').f32;
    const channels = p[0], numChunks = p[3], wTotals = p[5], wStarts = p[6];
    const C = Math.min(channels, flatCount(groups, 64));
    for (let c = 0; c < C; c++) {
      let h = init[c];
      for (let kk = 0; kk < numChunks; kk++) {
        const i = c * numChunks + kk;
        work[wStarts + i] = h;
        h = Math.fround(work[wTotals + i] * h + work[wTotals + channels * numChunks + i]);
      }
    }
  },
  linearScanParallel: (k) => {
    const adjoint = constant(k, 'ADJOINT', 0) !== 0;
    return (b, groups) => {
      const l = linear(b, 'linearScanParallel');
      const work = l.numChunks > 1 ? bound(b, 8, 'linearScanParallel.work').f32 : null;
      const init = bound(b, 26, 'linearScanParallel.init').f32;
      const out = bound(b, 27, 'linearScanParallel.out').f32;
      const C = gridChannels(l, groups);
      const h = new Float64Array(C);
      const write = (row: number) => {
        for (let c = 0; c < C; c++) out[row + c] = h[c];
      };
      for (let chunk = 0; chunk < Math.min(groups[0], l.numChunks); chunk++) {
        for (let c = 0; c < C; c++) h[c] = chunk > 0 ? work![l.wStarts + c * l.numChunks + chunk] : init[c];
        walk(l, adjoint, chunk * l.chunkLen, (chunk + 1) * l.chunkLen, C, h, write);
      }
    };
  },
  linearScanSequential: (k) => {
    const adjoint = constant(k, 'ADJOINT', 0) !== 0;
    return (b, groups) => {
      const l = linear(b, 'linearScanSequential');
      const init = bound(b, 26, 'linearScanSequential.init').f32;
      const out = bound(b, 27, 'linearScanSequential.out').f32;
      const C = Math.min(l.channels, flatCount(groups, 64));
      const h = new Float64Array(C);
      if (l.pBegin > 0) {
        const t = adjoint ? l.L - l.pBegin : l.pBegin - 1;
        for (let c = 0; c < C; c++) h[c] = out[t * l.channels + c];
      } else {
        for (let c = 0; c < C; c++) h[c] = init[c];
      }
      walk(l, adjoint, l.pBegin, l.pBegin + l.pCount, C, h, (row) => {
        for (let c = 0; c < C; c++) out[row + c] = h[c];
      });
    };
  },
};
