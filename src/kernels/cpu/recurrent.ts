// CPU twins of shaders/recurrent.wgsl: the tanh RNN, LSTM and GRU recurrences, forward and BPTT,
// in both schedules. On the CPU the two schedules are one loop: a step for every batch row, then
// the next step (batch rows never interact). Both write the buffers the shader writes, in the
// shader's layouts, so probes, step-through and the weight-gradient matmuls cannot tell.
// W_hh h (forward) and W_hhᵀ·∂ (backward) for all the step's batch rows at once are one matrix
// product by the SIMD gemm (./simd.ts, W_hh copied into its memory once per dispatch); without it,
// sums of rows of W_hhᵀ and of W_hh, so the innermost loop always runs along contiguous memory.

import { bound, constant, type Bindings, type FamilyTwins, type Workgroups } from '../../gpu/cpu/twin';
import { addRows, addRowsPair } from './axpy';
import { sigmoid, tanh } from './math';
import { FixedRight, simdGemm } from './simd';

const NO_STEP = 0xffffffff;
const STEPWISE_UNITS = 64;
const STEPWISE_ROWS = 8;

interface Cell {
  kind: number; // 0 tanh RNN, 1 LSTM, 2 GRU
  H: number;
  gates: number;
  reverse: boolean;
}

function cellOf(k: Readonly<Record<string, number>>): Cell {
  const kind = constant(k, 'CELL', 1);
  return { kind, H: constant(k, 'HIDDEN', 8), gates: kind === 1 ? 4 : kind === 2 ? 3 : 1, reverse: constant(k, 'REVERSE', 0) !== 0 };
}

interface StepParams {
  T: number;
  B: number;
  sBegin: number;
  sCount: number;
  outStride: number;
  outOffset: number;
  carryC: number;
  foldS: number;
}

function stepParams(p: Uint32Array): StepParams {
  return { T: p[0], B: p[1], sBegin: p[2], sCount: p[3], outStride: p[4], outOffset: p[5], carryC: p[6], foldS: p[7] };
}

/** Batch rows a dispatch covers: one workgroup per row (persistent) or tiles of 8 rows (stepwise). */
function rowsOf(groups: Workgroups, B: number, stepwise: boolean): number {
  return stepwise ? Math.min(B, groups[1] * STEPWISE_ROWS) : Math.min(B, groups[0]);
}

function forwardTwin(stepwise: boolean) {
  return (k: Readonly<Record<string, number>>) => {
    const cell = cellOf(k);
    const { H, gates: G, kind, reverse } = cell;
    const GH = G * H;
    let recAll = new Float64Array(0); // W_hh h_{t-1} + b_hh of every row of the step
    return (b: Bindings, groups: Workgroups) => {
      const xw = bound(b, 0, 'recurrent.xw').f32;
      const wT = bound(b, 1, 'recurrent.w_hh_t').f32;
      const bHh = bound(b, 2, 'recurrent.b_hh').f32;
      const states = bound(b, 3, 'recurrent.states').f32;
      const gates = kind === 0 ? null : bound(b, 4, 'recurrent.gates').f32;
      const out = bound(b, 5, 'recurrent.out').f32;
      const p = stepParams(bound(b, 6, 'recurrent.params').u32);
      const { T, B } = p;
      const rows = rowsOf(groups, B, stepwise);
      const units = stepwise ? Math.min(H, groups[0] * STEPWISE_UNITS) : H;
      const count = stepwise ? 1 : p.sCount;
      const cBase = (T + 1) * B * H;
      const gemm = simdGemm();
      const right = gemm ? new FixedRight(gemm, wT, H, GH, rows) : null;
      for (let q = 0; q < count; q++) {
        const s = p.sBegin + q;
        const t = reverse ? T - 1 - s : s;
        const slotIn = reverse ? t + 1 : t;
        const slotOut = reverse ? t : t + 1;
        if (recAll.length < rows * GH) recAll = new Float64Array(rows * GH);
        if (right) {
          const hw = right.times(states, slotIn * B * H, rows); // h_{t-1}·W_hhᵀ, every row
          for (let bb = 0; bb < rows; bb++) for (let r = 0; r < GH; r++) recAll[bb * GH + r] = bHh[r] + hw[bb * GH + r];
        } else {
          for (let bb = 0; bb < rows; bb++) for (let r = 0; r < GH; r++) recAll[bb * GH + r] = bHh[r];
          // rec += h_{t-1}·W_hhᵀ, rows two at a time (each element of W_hhᵀ read once for both)
          let pair = 0;
          for (; pair + 2 <= rows; pair += 2) {
            const hIn = (slotIn * B + pair) * H;
            addRowsPair(recAll, pair * GH, (pair + 1) * GH, GH, states, hIn, hIn + H, 1, wT, 0, GH, H);
          }
          if (pair < rows) addRows(recAll.subarray(pair * GH), GH, states, (slotIn * B + pair) * H, 1, wT, 0, GH, H);
        }
        for (let bb = 0; bb < rows; bb++) {
          const hIn = (slotIn * B + bb) * H;
          const hOut = (slotOut * B + bb) * H;
          const ro = bb * GH;
          const x = (t * B + bb) * GH;
          const saved = (t * B + bb) * 4 * H;
          const o = (t * B + bb) * p.outStride + p.outOffset;
          for (let j = 0; j < units; j++) {
            let hNew: number;
            if (kind === 0) {
              hNew = tanh(xw[x + j] + recAll[ro + j]);
            } else if (kind === 1) {
              const i = sigmoid(xw[x + j] + recAll[ro + j]);
              const f = sigmoid(xw[x + H + j] + recAll[ro + H + j]);
              const g = tanh(xw[x + 2 * H + j] + recAll[ro + 2 * H + j]);
              const og = sigmoid(xw[x + 3 * H + j] + recAll[ro + 3 * H + j]);
              const c = Math.fround(f * states[cBase + hIn + j] + i * g);
              states[cBase + hOut + j] = c;
              hNew = og * tanh(c);
              gates![saved + j] = i;
              gates![saved + H + j] = f;
              gates![saved + 2 * H + j] = g;
              gates![saved + 3 * H + j] = og;
            } else {
              const r = sigmoid(xw[x + j] + recAll[ro + j]);
              const z = sigmoid(xw[x + H + j] + recAll[ro + H + j]);
              const hn = Math.fround(recAll[ro + 2 * H + j]);
              const n = Math.fround(tanh(xw[x + 2 * H + j] + Math.fround(r) * hn));
              hNew = (1 - z) * n + z * states[hIn + j];
              gates![saved + j] = r;
              gates![saved + H + j] = z;
              gates![saved + 2 * H + j] = n;
              gates![saved + 3 * H + j] = hn;
            }
            states[hOut + j] = hNew;
            out[o + j] = hNew;
          }
        }
      }
    };
  };
}

interface BackwardBuffers {
  w: Float32Array;
  states: Float32Array;
  gates: Float32Array;
  dOut: Float32Array;
  dGi: Float32Array;
  dGh: Float32Array | null;
  carry: Float32Array;
  probe: Float32Array;
  p: StepParams;
}

function backwardBuffers(b: Bindings, kind: number): BackwardBuffers {
  return {
    w: bound(b, 0, 'recurrent.w_hh').f32,
    states: bound(b, 1, 'recurrent.saved_states').f32,
    gates: bound(b, 2, 'recurrent.saved_gates').f32,
    dOut: bound(b, 3, 'recurrent.d_out').f32,
    dGi: bound(b, 4, 'recurrent.d_gi').f32,
    dGh: kind === 2 ? bound(b, 5, 'recurrent.d_gh').f32 : null,
    carry: bound(b, 6, 'recurrent.carry').f32,
    probe: bound(b, 7, 'recurrent.dh_probe').f32,
    p: stepParams(bound(b, 8, 'recurrent.params').u32),
  };
}

/**
 * cellBackward of the shader for units [0, units) of row bb at time t: gate gradients into d_gi
 * (and d_gh), the direct paths into carry, and ∂L/∂(W_hh h + b_hh) into dRec (G·H from `at`).
 */
function cellBackward(cell: Cell, m: BackwardBuffers, t: number, bb: number, units: number, dRec: Float64Array, at: number): void {
  const { H, gates: G, kind, reverse } = cell;
  const { states, gates, dOut, dGi, dGh, carry, probe, p } = m;
  const B = p.B;
  const row = (t * B + bb) * G * H;
  const saved = (t * B + bb) * 4 * H;
  const dhAt = bb * H;
  const dcAt = p.carryC + bb * H;
  const slotIn = reverse ? t + 1 : t;
  const slotOut = reverse ? t : t + 1;
  const hIn = (slotIn * B + bb) * H;
  const hOut = (slotOut * B + bb) * H;
  const cBase = (p.T + 1) * B * H;
  const o = (t * B + bb) * p.outStride + p.outOffset;
  const pr = (t * B + bb) * H;
  for (let j = 0; j < units; j++) {
    const dh = Math.fround(dOut[o + j] + carry[dhAt + j]);
    probe[pr + j] = dh;
    if (kind === 0) {
      const h = states[hOut + j];
      const da = dh * (1 - h * h);
      dGi[row + j] = da;
      carry[dhAt + j] = 0;
      dRec[at + j] = da;
    } else if (kind === 1) {
      const i = gates[saved + j];
      const f = gates[saved + H + j];
      const g = gates[saved + 2 * H + j];
      const og = gates[saved + 3 * H + j];
      const c = states[cBase + hOut + j];
      const cPrev = states[cBase + hIn + j];
      const tc = tanh(c);
      const dc = Math.fround(carry[dcAt + j] + dh * og * (1 - tc * tc));
      const d0 = dc * g * i * (1 - i);
      const d1 = dc * cPrev * f * (1 - f);
      const d2 = dc * i * (1 - g * g);
      const d3 = dh * tc * og * (1 - og);
      dGi[row + j] = d0;
      dGi[row + H + j] = d1;
      dGi[row + 2 * H + j] = d2;
      dGi[row + 3 * H + j] = d3;
      carry[dcAt + j] = dc * f;
      carry[dhAt + j] = 0;
      dRec[at + j] = d0;
      dRec[at + H + j] = d1;
      dRec[at + 2 * H + j] = d2;
      dRec[at + 3 * H + j] = d3;
    } else {
      const r = gates[saved + j];
      const z = gates[saved + H + j];
      const n = gates[saved + 2 * H + j];
      const hn = gates[saved + 3 * H + j];
      const hPrev = states[hIn + j];
      const daN = Math.fround(dh * (1 - z) * (1 - n * n));
      const daR = daN * hn * r * (1 - r);
      const daZ = dh * (hPrev - n) * z * (1 - z);
      dGi[row + j] = daR;
      dGi[row + H + j] = daZ;
      dGi[row + 2 * H + j] = daN;
      dGh![row + j] = daR;
      dGh![row + H + j] = daZ;
      dGh![row + 2 * H + j] = daN * r;
      carry[dhAt + j] = dh * z;
      dRec[at + j] = Math.fround(daR);
      dRec[at + H + j] = Math.fround(daZ);
      dRec[at + 2 * H + j] = Math.fround(daN * r);
    }
  }
}

/**
 * carry_h[bb, k] += Σ_r W_hh[r, k]·d[r] over the G·H gate rows, for units [0, units), rows
 * [0, rows), row bb's d at dAt + bb·G·H (the rows lie one after another): by `right` (W_hh in the SIMD gemm's memory) where there
 * is one, else two rows at a time, each element of W_hh read once for both (`acc`: two rows of H).
 */
function foldRecurrent(cell: Cell, m: BackwardBuffers, rows: number, d: Float32Array | Float64Array, dAt: number, units: number, acc: Float64Array, right: FixedRight | null): void {
  const { H } = cell;
  const GH = cell.gates * H;
  if (right) {
    const dw = right.times(d, dAt, rows); // one product for all the rows
    for (let bb = 0; bb < rows; bb++) for (let kk = 0; kk < units; kk++) m.carry[bb * H + kk] += dw[bb * H + kk];
    return;
  }
  let bb = 0;
  for (; bb + 2 <= rows; bb += 2) {
    acc.fill(0);
    addRowsPair(acc, 0, H, units, d, dAt + bb * GH, dAt + (bb + 1) * GH, 1, m.w, 0, H, GH); // acc = W_hhᵀ·d
    for (let kk = 0; kk < units; kk++) {
      m.carry[bb * H + kk] += acc[kk];
      m.carry[(bb + 1) * H + kk] += acc[H + kk];
    }
  }
  if (bb < rows) {
    acc.fill(0);
    addRows(acc, units, d, dAt + bb * GH, 1, m.w, 0, H, GH);
    for (let kk = 0; kk < units; kk++) m.carry[bb * H + kk] += acc[kk];
  }
}

const backward = (k: Readonly<Record<string, number>>) => {
  const cell = cellOf(k);
  const GH = cell.gates * cell.H;
  let dRec = new Float64Array(0); // every row's ∂L/∂(W_hh h + b_hh) at one step
  const acc = new Float64Array(2 * cell.H);
  return (b: Bindings, groups: Workgroups) => {
    const m = backwardBuffers(b, cell.kind);
    const { T, B, sBegin, sCount } = m.p;
    const rows = rowsOf(groups, B, false);
    if (dRec.length < rows * GH) dRec = new Float64Array(rows * GH);
    const gemm = simdGemm();
    const right = gemm ? new FixedRight(gemm, m.w, GH, cell.H, rows) : null;
    for (let q = 0; q < sCount; q++) {
      const s = sBegin + sCount - 1 - q;
      const t = cell.reverse ? T - 1 - s : s;
      for (let bb = 0; bb < rows; bb++) cellBackward(cell, m, t, bb, cell.H, dRec, bb * GH);
      foldRecurrent(cell, m, rows, dRec, 0, cell.H, acc, right);
    }
  };
};

const backwardStep = (k: Readonly<Record<string, number>>) => {
  const cell = cellOf(k);
  const dRec = new Float64Array(cell.gates * cell.H);
  const acc = new Float64Array(2 * cell.H);
  return (b: Bindings, groups: Workgroups) => {
    const m = backwardBuffers(b, cell.kind);
    const { T, B, sBegin, sCount, foldS } = m.p;
    const GH = cell.gates * cell.H;
    const rows = rowsOf(groups, B, true);
    const units = Math.min(cell.H, groups[0] * STEPWISE_UNITS);
    if (foldS !== NO_STEP) {
      const tf = cell.reverse ? T - 1 - foldS : foldS;
      const grads = cell.kind === 2 ? m.dGh! : m.dGi;
      const gemm = simdGemm();
      const right = gemm ? new FixedRight(gemm, m.w, GH, cell.H, rows) : null;
      foldRecurrent(cell, m, rows, grads, tf * B * GH, units, acc, right);
    }
    if (sCount > 0) {
      const t = cell.reverse ? T - 1 - sBegin : sBegin;
      for (let bb = 0; bb < rows; bb++) cellBackward(cell, m, t, bb, units, dRec, 0);
    }
  };
};

export const RECURRENT_TWINS: FamilyTwins = {
  forward: forwardTwin(false),
  forwardStep: forwardTwin(true),
  backward,
  backwardStep,
};
