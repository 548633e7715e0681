// The recurrence of the tanh RNN, the LSTM and the GRU, forward and backward (BPTT), one layer and
// one direction per dispatch. The input projection x·W_ihᵀ + b_ih for all timesteps is a matmul
// done before (shaders/matmul.wgsl); the weight gradients are matmuls done after.
//
// Two schedules of the same cells (src/kernels/recurrent.ts picks one by size):
//  - persistent (`forward`, `backward`): one workgroup per batch element runs steps
//    s_begin .. s_begin+s_count-1 in a loop. Batch elements never interact in a recurrence, so
//    no workgroup waits on another: a whole sequence is one dispatch, with no per-step launch
//    cost. But only B workgroups work, and each reads all of W_hh at every step. The lanes are
//    SPLIT slices of WG/SPLIT: each slice sums its share of the dot products' terms (the k of
//    W_hh h, the gate rows of W_hhᵀ·∂), and slice 0 adds the slices' partial sums. A step's
//    chain of dependent loads is then H/SPLIT long instead of H, which is what a step costs
//    when one workgroup has the whole step to itself (measured on an H200: bench/RESULTS.md).
//  - stepwise (`forwardStep`, `backwardStep`): one dispatch per step, a grid of (64 units) x
//    (TILE_B batch rows) tiles, so large batch x hidden fills the GPU and each W_hh value read
//    serves TILE_B rows. The dispatch boundary is the barrier between steps. The backward
//    dispatch for step t also finishes step t+1: it folds W_hhᵀ·∂L/∂(W_hh h + b_hh) of step t+1
//    into ∂L/∂h_t (which needs every unit of t+1, so it could not happen in t+1's dispatch),
//    then turns ∂L/∂h_t into step t's gate gradients.
// Both write the same buffers, so probes, step-through and the weight-gradient matmuls do not
// care which ran.
//
// Cells (PyTorch's definitions and gate order):
//   CELL 0, tanh RNN:  h' = tanh(xw + W_hh h + b_hh)
//   CELL 1, LSTM:      i,f,g,o = σ,σ,tanh,σ(xw + W_hh h + b_hh);  c' = f c + i g;  h' = o tanh(c')
//   CELL 2, GRU:       r,z = σ(xw_rz + W_hh_rz h + b_hh_rz);  hn = W_hn h + b_hn;
//                      n = tanh(xw_n + r hn);  h' = (1 - z) n + z h
//
// States: `states` holds hs (T+1, B, H) and, for the LSTM, cs (T+1, B, H) right after it. Slot
// convention: the forward direction starts in slot 0 and writes slot t+1 at time t; the reverse
// direction starts in slot T and writes slot t at time t. So the states a step read are always
// rows 0..T-1 (forward) or 1..T (reverse) of hs: one contiguous block for the W_hh gradient.

override CELL: u32 = 1u;
override HIDDEN: u32 = 8u;
override REVERSE: bool = false;
override WG: u32 = 64u;
// Persistent kernels: slices of WG / SPLIT lanes; PARTS holds a partial sum per slice and unit.
override SPLIT: u32 = 1u;
override PARTS: u32 = SPLIT * HIDDEN;
override HIDDEN2: u32 = 2u * HIDDEN;
override GATES: u32 = select(select(1u, 3u, CELL == 2u), 4u, CELL == 1u);
// Room for four gate rows per unit; sized as an override so the array fits the model.
override HIDDEN4: u32 = 4u * HIDDEN;

struct StepParams {
  T: u32,
  B: u32,
  s_begin: u32,
  s_count: u32,
  out_stride: u32, // row length of `out` / `d_out`: H, or 2H when bidirectional
  out_offset: u32, // this direction's first column in those rows
  carry_c: u32,    // backward: where ∂L/∂c starts in `carry` (aligned so it can be bound alone)
  fold_s: u32,     // backwardStep: the processing step whose W_hhᵀ term to fold first (NO_STEP: none)
}

const NO_STEP: u32 = 0xffffffffu;
// Stepwise tiles: WG (64) units by TILE_B batch rows per workgroup; the operand shared by the
// tile's rows (h_{t-1} forward, the recurrent gate gradients backward) is staged TILE_K at a time.
const TILE_B: u32 = 8u;
const TILE_K: u32 = 64u;

fn time_of(p: StepParams, s: u32) -> u32 {
  if (REVERSE) {
    return p.T - 1u - s;
  }
  return s;
}

fn slot_in(t: u32) -> u32 {
  if (REVERSE) {
    return t + 1u;
  }
  return t;
}

fn slot_out(t: u32) -> u32 {
  if (REVERSE) {
    return t;
  }
  return t + 1u;
}

fn h_at(p: StepParams, slot: u32, b: u32, j: u32) -> u32 {
  return (slot * p.B + b) * HIDDEN + j;
}

fn c_at(p: StepParams, slot: u32, b: u32, j: u32) -> u32 {
  return (p.T + 1u) * p.B * HIDDEN + h_at(p, slot, b, j);
}

// ---- forward ------------------------------------------------------------------------------

@group(0) @binding(0) var<storage, read> xw: array<f32>;            // (T, B, G·H) x·W_ihᵀ + b_ih
@group(0) @binding(1) var<storage, read> w_hh_t: array<f32>;        // (H, G·H) W_hh transposed
@group(0) @binding(2) var<storage, read> b_hh: array<f32>;          // (G·H)
@group(0) @binding(3) var<storage, read_write> states: array<f32>;  // hs (T+1, B, H) [+ cs (T+1, B, H)]
@group(0) @binding(4) var<storage, read_write> gates: array<f32>;   // (T, B, 4H) LSTM i,f,g,o; GRU r,z,n,hn
@group(0) @binding(5) var<storage, read_write> out: array<f32>;     // (T, B, out_stride)
@group(0) @binding(6) var<uniform> fp: StepParams;

// Persistent forward: h_{t-1} and h_t, the halves trading places at every step.
var<workgroup> h_shared: array<f32, HIDDEN2>;
var<workgroup> tile: array<f32, TILE_B * TILE_K>;

/** b_hh of unit j's gate rows (j, H+j, 2H+j, 3H+j), zero past GATES. */
fn recurrentBias(j: u32) -> vec4<f32> {
  var r = vec4<f32>(b_hh[j], 0.0, 0.0, 0.0);
  if (GATES > 1u) {
    r.y = b_hh[HIDDEN + j];
    r.z = b_hh[2u * HIDDEN + j];
  }
  if (GATES > 3u) {
    r.w = b_hh[3u * HIDDEN + j];
  }
  return r;
}

/** Row k of W_hhᵀ at unit j's gate columns, zero past GATES. */
fn recurrentWeights(k: u32, j: u32) -> vec4<f32> {
  let w = k * GATES * HIDDEN + j;
  var r = vec4<f32>(w_hh_t[w], 0.0, 0.0, 0.0);
  if (GATES > 1u) {
    r.y = w_hh_t[w + HIDDEN];
    r.z = w_hh_t[w + 2u * HIDDEN];
  }
  if (GATES > 3u) {
    r.w = w_hh_t[w + 3u * HIDDEN];
  }
  return r;
}

/**
 * The cell of unit j, sample b, time t, given W_hh h_{t-1} + b_hh of its gate rows (`rec`) and
 * h_{t-1} of the unit: writes h_t (and c_t), the saved gates and the output, and returns h_t.
 */
fn cellForward(p: StepParams, t: u32, b: u32, j: u32, rec: vec4<f32>, h_prev: f32) -> f32 {
  let x = (t * p.B + b) * GATES * HIDDEN + j;
  let saved = (t * p.B + b) * 4u * HIDDEN + j;
  var h_new: f32;
  if (CELL == 0u) {
    h_new = tanh_(xw[x] + rec.x);
  } else if (CELL == 1u) {
    let i = sigmoid_(xw[x] + rec.x);
    let f = sigmoid_(xw[x + HIDDEN] + rec.y);
    let g = tanh_(xw[x + 2u * HIDDEN] + rec.z);
    let o = sigmoid_(xw[x + 3u * HIDDEN] + rec.w);
    let c = f * states[c_at(p, slot_in(t), b, j)] + i * g;
    states[c_at(p, slot_out(t), b, j)] = c;
    h_new = o * tanh_(c);
    gates[saved] = i;
    gates[saved + HIDDEN] = f;
    gates[saved + 2u * HIDDEN] = g;
    gates[saved + 3u * HIDDEN] = o;
  } else {
    let r = sigmoid_(xw[x] + rec.x);
    let z = sigmoid_(xw[x + HIDDEN] + rec.y);
    let n = tanh_(xw[x + 2u * HIDDEN] + r * rec.z);
    h_new = (1.0 - z) * n + z * h_prev;
    gates[saved] = r;
    gates[saved + HIDDEN] = z;
    gates[saved + 2u * HIDDEN] = n;
    gates[saved + 3u * HIDDEN] = rec.z;
  }
  states[h_at(p, slot_out(t), b, j)] = h_new;
  out[(t * p.B + b) * p.out_stride + p.out_offset + j] = h_new;
  return h_new;
}

/** Partial sums of W_hh h_{t-1} per slice and unit (persistent forward). */
var<workgroup> partial_rec: array<vec4<f32>, PARTS>;

/** The first and one-past-last index of slice `s`'s share of n terms. */
fn share(n: u32, s: u32) -> vec2<u32> {
  let per = (n + SPLIT - 1u) / SPLIT;
  return vec2<u32>(min(n, s * per), min(n, (s + 1u) * per));
}

@compute @workgroup_size(WG)
fn forward(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) lane: u32) {
  let b = wg.x;
  let units = WG / SPLIT;
  let u = lane % units;
  let slice = lane / units;
  let ks = share(HIDDEN, slice);
  // h_{t-1} of the range's first step from `states`; after that each step leaves h_t in the
  // other half of h_shared, so no step waits for its own writes to reach memory.
  let t0 = time_of(fp, fp.s_begin);
  for (var k = lane; k < HIDDEN; k += WG) {
    h_shared[k] = states[h_at(fp, slot_in(t0), b, k)];
  }
  workgroupBarrier();
  for (var q = 0u; q < fp.s_count; q++) {
    let t = time_of(fp, fp.s_begin + q);
    let cur = (q % 2u) * HIDDEN;
    let next = HIDDEN - cur;
    for (var j = u; j < HIDDEN; j += units) {
      // Four k at a time: their weight loads are independent, so they wait for memory together
      // rather than one after another (a step's time is this loop's chain of loads).
      var rec = vec4<f32>(0.0);
      var k = ks.x;
      for (; k + 4u <= ks.y; k += 4u) {
        let w0 = recurrentWeights(k, j);
        let w1 = recurrentWeights(k + 1u, j);
        let w2 = recurrentWeights(k + 2u, j);
        let w3 = recurrentWeights(k + 3u, j);
        rec = fma(w0, vec4<f32>(h_shared[cur + k]), rec);
        rec = fma(w1, vec4<f32>(h_shared[cur + k + 1u]), rec);
        rec = fma(w2, vec4<f32>(h_shared[cur + k + 2u]), rec);
        rec = fma(w3, vec4<f32>(h_shared[cur + k + 3u]), rec);
      }
      for (; k < ks.y; k++) {
        rec = fma(recurrentWeights(k, j), vec4<f32>(h_shared[cur + k]), rec);
      }
      partial_rec[slice * HIDDEN + j] = rec;
    }
    workgroupBarrier();
    // Slice 0 finishes the units; a lane reads back only the c_{t-1} it wrote itself.
    if (slice == 0u) {
      for (var j = u; j < HIDDEN; j += units) {
        var rec = recurrentBias(j);
        for (var q2 = 0u; q2 < SPLIT; q2++) {
          rec += partial_rec[q2 * HIDDEN + j];
        }
        h_shared[next + j] = cellForward(fp, t, b, j, rec, h_shared[cur + j]);
      }
    }
    workgroupBarrier();
  }
}

/** Stepwise: step s_begin for units wg.x·WG + lane of batch rows wg.y·TILE_B .. +TILE_B. */
@compute @workgroup_size(WG)
fn forwardStep(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) lane: u32) {
  let j = wg.x * WG + lane;
  let b0 = wg.y * TILE_B;
  let t = time_of(fp, fp.s_begin);
  let unit = j < HIDDEN;
  var rec: array<vec4<f32>, TILE_B>;
  if (unit) {
    let bias = recurrentBias(j);
    for (var r = 0u; r < TILE_B; r++) {
      rec[r] = bias;
    }
  }
  for (var k0 = 0u; k0 < HIDDEN; k0 += TILE_K) {
    for (var e = lane; e < TILE_B * TILE_K; e += WG) {
      let b = b0 + e / TILE_K;
      let k = k0 + e % TILE_K;
      var h = 0.0;
      if (b < fp.B && k < HIDDEN) {
        h = states[h_at(fp, slot_in(t), b, k)];
      }
      tile[e] = h;
    }
    workgroupBarrier();
    if (unit) {
      // Two k at a time, their weight loads issued together (as in the persistent kernel).
      let kn = min(TILE_K, HIDDEN - k0);
      var kk = 0u;
      for (; kk + 2u <= kn; kk += 2u) {
        let w0 = recurrentWeights(k0 + kk, j);
        let w1 = recurrentWeights(k0 + kk + 1u, j);
        for (var r = 0u; r < TILE_B; r++) {
          rec[r] = fma(w1, vec4<f32>(tile[r * TILE_K + kk + 1u]), fma(w0, vec4<f32>(tile[r * TILE_K + kk]), rec[r]));
        }
      }
      if (kk < kn) {
        let w = recurrentWeights(k0 + kk, j);
        for (var r = 0u; r < TILE_B; r++) {
          rec[r] = fma(w, vec4<f32>(tile[r * TILE_K + kk]), rec[r]);
        }
      }
    }
    workgroupBarrier();
  }
  if (unit) {
    for (var r = 0u; r < TILE_B; r++) {
      let b = b0 + r;
      if (b < fp.B) {
        cellForward(fp, t, b, j, rec[r], states[h_at(fp, slot_in(t), b, j)]);
      }
    }
  }
}

// ---- backward (BPTT) ----------------------------------------------------------------------
// Walks the same steps in reverse. `carry` holds ∂L/∂h (and ∂L/∂c for the LSTM) flowing back
// from the step after: set it to the cotangents of h_n, c_n (or zero) before the first dispatch;
// after the last it holds ∂L/∂h0, ∂L/∂c0. Truncated BPTT clears it between chunks.

@group(0) @binding(0) var<storage, read> w_hh: array<f32>;           // (G·H, H)
@group(0) @binding(1) var<storage, read> saved_states: array<f32>;   // as `states` above
@group(0) @binding(2) var<storage, read> saved_gates: array<f32>;    // as `gates` above
@group(0) @binding(3) var<storage, read> d_out: array<f32>;          // (T, B, out_stride) ∂L/∂out
@group(0) @binding(4) var<storage, read_write> d_gi: array<f32>;     // (T, B, G·H) ∂L/∂(x·W_ihᵀ + b_ih)
@group(0) @binding(5) var<storage, read_write> d_gh: array<f32>;     // (T, B, G·H) ∂L/∂(W_hh h + b_hh), GRU only
@group(0) @binding(6) var<storage, read_write> carry: array<f32>;    // ∂L/∂h (B, H) at 0, ∂L/∂c (B, H) at carry_c
@group(0) @binding(7) var<storage, read_write> dh_probe: array<f32>; // (T, B, H) ∂L/∂h_t in total
@group(0) @binding(8) var<uniform> bp: StepParams;

// ∂L/∂(W_hh h + b_hh) of the current step, for W_hhᵀ · (that) in phase 2.
var<workgroup> d_rec: array<f32, HIDDEN4>;

/**
 * Step t of unit j, sample b: ∂L/∂h_t (the loss's share plus `carry`) into gate pre-activation
 * gradients. Leaves in `carry` what flows to h_{t-1} and c_{t-1} other than through W_hh, and
 * returns ∂L/∂(W_hh h + b_hh) of the unit's gate rows (zero past GATES).
 */
fn cellBackward(p: StepParams, t: u32, b: u32, j: u32) -> vec4<f32> {
  let gh = GATES * HIDDEN;
  let row = (t * p.B + b) * gh;
  let saved = (t * p.B + b) * 4u * HIDDEN;
  let dh_at = b * HIDDEN;
  let dc_at = p.carry_c + b * HIDDEN;
  let dh = d_out[(t * p.B + b) * p.out_stride + p.out_offset + j] + carry[dh_at + j];
  dh_probe[(t * p.B + b) * HIDDEN + j] = dh;
  if (CELL == 0u) {
    let h = saved_states[h_at(p, slot_out(t), b, j)];
    let da = dh * (1.0 - h * h);
    d_gi[row + j] = da;
    carry[dh_at + j] = 0.0;
    return vec4<f32>(da, 0.0, 0.0, 0.0);
  } else if (CELL == 1u) {
    let i = saved_gates[saved + j];
    let f = saved_gates[saved + HIDDEN + j];
    let g = saved_gates[saved + 2u * HIDDEN + j];
    let o = saved_gates[saved + 3u * HIDDEN + j];
    let c = saved_states[c_at(p, slot_out(t), b, j)];
    let c_prev = saved_states[c_at(p, slot_in(t), b, j)];
    let tc = tanh_(c);
    // The cell state's constant error carousel: ∂L/∂c flows back through f alone.
    let dc = carry[dc_at + j] + dh * o * (1.0 - tc * tc);
    let da = vec4<f32>(dc * g * i * (1.0 - i), dc * c_prev * f * (1.0 - f), dc * i * (1.0 - g * g), dh * tc * o * (1.0 - o));
    d_gi[row + j] = da.x;
    d_gi[row + HIDDEN + j] = da.y;
    d_gi[row + 2u * HIDDEN + j] = da.z;
    d_gi[row + 3u * HIDDEN + j] = da.w;
    carry[dc_at + j] = dc * f;
    carry[dh_at + j] = 0.0;
    return da;
  }
  let r = saved_gates[saved + j];
  let z = saved_gates[saved + HIDDEN + j];
  let n = saved_gates[saved + 2u * HIDDEN + j];
  let hn = saved_gates[saved + 3u * HIDDEN + j];
  let h_prev = saved_states[h_at(p, slot_in(t), b, j)];
  let da_n = dh * (1.0 - z) * (1.0 - n * n);
  let da_r = da_n * hn * r * (1.0 - r);
  let da_z = dh * (h_prev - n) * z * (1.0 - z);
  d_gi[row + j] = da_r;
  d_gi[row + HIDDEN + j] = da_z;
  d_gi[row + 2u * HIDDEN + j] = da_n;
  d_gh[row + j] = da_r;
  d_gh[row + HIDDEN + j] = da_z;
  d_gh[row + 2u * HIDDEN + j] = da_n * r;
  carry[dh_at + j] = dh * z; // the direct path h -> h'; the W_hhᵀ term is added after
  return vec4<f32>(da_r, da_z, da_n * r, 0.0);
}

/** ∂L/∂(W_hh h + b_hh) at row r of step t, sample b: as cellBackward wrote it. */
fn recurrentGrad(p: StepParams, t: u32, b: u32, r: u32) -> f32 {
  let i = (t * p.B + b) * GATES * HIDDEN + r;
  if (CELL == 2u) {
    return d_gh[i];
  }
  return d_gi[i];
}

/** Partial sums of W_hhᵀ·d_rec per slice and unit (persistent backward). */
var<workgroup> partial_dh: array<f32, PARTS>;

@compute @workgroup_size(WG)
fn backward(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) lane: u32) {
  let b = wg.x;
  let gh = GATES * HIDDEN;
  let dh_at = b * HIDDEN;
  let units = WG / SPLIT;
  let u = lane % units;
  let slice = lane / units;
  let rows = share(gh, slice);
  for (var q = 0u; q < bp.s_count; q++) {
    let t = time_of(bp, bp.s_begin + bp.s_count - 1u - q);
    // Phase 1: slice 0 turns ∂L/∂h_t of its units into gate pre-activation gradients.
    if (slice == 0u) {
      for (var j = u; j < HIDDEN; j += units) {
        let da = cellBackward(bp, t, b, j);
        for (var g = 0u; g < GATES; g++) {
          d_rec[g * HIDDEN + j] = da[g];
        }
      }
    }
    workgroupBarrier();
    // Phase 2: ∂L/∂h_{t-1} = (direct path) + W_hhᵀ · d_rec: each slice sums its share of the
    // gate rows, then slice 0 (whose lanes wrote the direct path in phase 1) adds them up.
    for (var k = u; k < HIDDEN; k += units) {
      // Eight rows at a time, for the same reason as the forward's four k.
      var acc = 0.0;
      var r = rows.x;
      for (; r + 8u <= rows.y; r += 8u) {
        let w = r * HIDDEN + k;
        let w0 = w_hh[w];
        let w1 = w_hh[w + HIDDEN];
        let w2 = w_hh[w + 2u * HIDDEN];
        let w3 = w_hh[w + 3u * HIDDEN];
        let w4 = w_hh[w + 4u * HIDDEN];
        let w5 = w_hh[w + 5u * HIDDEN];
        let w6 = w_hh[w + 6u * HIDDEN];
        let w7 = w_hh[w + 7u * HIDDEN];
        acc = fma(w0, d_rec[r], acc);
        acc = fma(w1, d_rec[r + 1u], acc);
        acc = fma(w2, d_rec[r + 2u], acc);
        acc = fma(w3, d_rec[r + 3u], acc);
        acc = fma(w4, d_rec[r + 4u], acc);
        acc = fma(w5, d_rec[r + 5u], acc);
        acc = fma(w6, d_rec[r + 6u], acc);
        acc = fma(w7, d_rec[r + 7u], acc);
      }
      for (; r < rows.y; r++) {
        acc = fma(w_hh[r * HIDDEN + k], d_rec[r], acc);
      }
      partial_dh[slice * HIDDEN + k] = acc;
    }
    workgroupBarrier();
    if (slice == 0u) {
      for (var k = u; k < HIDDEN; k += units) {
        var acc = carry[dh_at + k];
        for (var q2 = 0u; q2 < SPLIT; q2++) {
          acc += partial_dh[q2 * HIDDEN + k];
        }
        carry[dh_at + k] = acc;
      }
    }
    // `carry` needs no storage barrier: each of its values is only ever read and written by
    // the one lane of slice 0 that owns its unit.
    workgroupBarrier();
  }
}

/**
 * Stepwise: for units wg.x·WG + lane of batch rows wg.y·TILE_B .. +TILE_B, first adds
 * W_hhᵀ·∂L/∂(W_hh h + b_hh) of step fold_s to ∂L/∂h in `carry` (unless NO_STEP), then runs
 * cellBackward for step s_begin (when s_count is 1).
 */
@compute @workgroup_size(WG)
fn backwardStep(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) lane: u32) {
  let j = wg.x * WG + lane;
  let b0 = wg.y * TILE_B;
  let unit = j < HIDDEN;
  let gh = GATES * HIDDEN;
  if (bp.fold_s != NO_STEP) {
    let tf = time_of(bp, bp.fold_s);
    var acc: array<f32, TILE_B>;
    for (var r0 = 0u; r0 < gh; r0 += TILE_K) {
      for (var e = lane; e < TILE_B * TILE_K; e += WG) {
        let b = b0 + e / TILE_K;
        let r = r0 + e % TILE_K;
        var v = 0.0;
        if (b < bp.B && r < gh) {
          v = recurrentGrad(bp, tf, b, r);
        }
        tile[e] = v;
      }
      workgroupBarrier();
      if (unit) {
        // Four rows at a time, their weight loads issued together.
        let rn = min(TILE_K, gh - r0);
        var rr = 0u;
        for (; rr + 4u <= rn; rr += 4u) {
          let w = (r0 + rr) * HIDDEN + j;
          let w0 = w_hh[w];
          let w1 = w_hh[w + HIDDEN];
          let w2 = w_hh[w + 2u * HIDDEN];
          let w3 = w_hh[w + 3u * HIDDEN];
          for (var q = 0u; q < TILE_B; q++) {
            let t = q * TILE_K + rr;
            acc[q] = fma(w3, tile[t + 3u], fma(w2, tile[t + 2u], fma(w1, tile[t + 1u], fma(w0, tile[t], acc[q]))));
          }
        }
        for (; rr < rn; rr++) {
          let w = w_hh[(r0 + rr) * HIDDEN + j];
          for (var q = 0u; q < TILE_B; q++) {
            acc[q] = fma(w, tile[q * TILE_K + rr], acc[q]);
          }
        }
      }
      workgroupBarrier();
    }
    if (unit) {
      for (var q = 0u; q < TILE_B; q++) {
        let b = b0 + q;
        if (b < bp.B) {
          carry[b * HIDDEN + j] += acc[q];
        }
      }
    }
  }
  if (unit && bp.s_count > 0u) {
    let t = time_of(bp, bp.s_begin);
    for (var q = 0u; q < TILE_B; q++) {
      let b = b0 + q;
      if (b < bp.B) {
        cellBackward(bp, t, b, j);
      }
    }
  }
}
