// The recurrence of the tanh RNN, the LSTM and the GRU, forward and backward (BPTT), one layer and
// one direction per dispatch. The input projection x·W_ihᵀ + b_ih for all timesteps is a matmul
// done before (shaders/matmul.wgsl); the weight gradients are matmuls done after.
//
// Schedule: one workgroup per batch element runs steps s_begin .. s_begin+s_count-1 in a loop.
// Batch elements never interact in a recurrence, so no workgroup waits on another: a whole
// sequence is one dispatch, and the same kernel with s_count = 1 steps through time.
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
}

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

var<workgroup> h_shared: array<f32, HIDDEN>;

@compute @workgroup_size(WG)
fn forward(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) lane: u32) {
  let b = wg.x;
  let gh = GATES * HIDDEN;
  for (var s = fp.s_begin; s < fp.s_begin + fp.s_count; s++) {
    let t = time_of(fp, s);
    for (var k = lane; k < HIDDEN; k += WG) {
      h_shared[k] = states[h_at(fp, slot_in(t), b, k)];
    }
    workgroupBarrier();
    for (var j = lane; j < HIDDEN; j += WG) {
      // Recurrent pre-activations W_hh h + b_hh of this unit's gate rows (j, H+j, 2H+j, 3H+j).
      var r0 = b_hh[j];
      var r1 = 0.0;
      var r2 = 0.0;
      var r3 = 0.0;
      if (GATES > 1u) {
        r1 = b_hh[HIDDEN + j];
        r2 = b_hh[2u * HIDDEN + j];
      }
      if (GATES > 3u) {
        r3 = b_hh[3u * HIDDEN + j];
      }
      for (var k = 0u; k < HIDDEN; k++) {
        let h = h_shared[k];
        let w = k * gh + j;
        r0 = fma(w_hh_t[w], h, r0);
        if (GATES > 1u) {
          r1 = fma(w_hh_t[w + HIDDEN], h, r1);
          r2 = fma(w_hh_t[w + 2u * HIDDEN], h, r2);
        }
        if (GATES > 3u) {
          r3 = fma(w_hh_t[w + 3u * HIDDEN], h, r3);
        }
      }
      let x = (t * fp.B + b) * gh + j;
      let saved = (t * fp.B + b) * 4u * HIDDEN + j;
      var h_new: f32;
      if (CELL == 0u) {
        h_new = tanh_(xw[x] + r0);
      } else if (CELL == 1u) {
        let i = sigmoid_(xw[x] + r0);
        let f = sigmoid_(xw[x + HIDDEN] + r1);
        let g = tanh_(xw[x + 2u * HIDDEN] + r2);
        let o = sigmoid_(xw[x + 3u * HIDDEN] + r3);
        let c = f * states[c_at(fp, slot_in(t), b, j)] + i * g;
        states[c_at(fp, slot_out(t), b, j)] = c;
        h_new = o * tanh_(c);
        gates[saved] = i;
        gates[saved + HIDDEN] = f;
        gates[saved + 2u * HIDDEN] = g;
        gates[saved + 3u * HIDDEN] = o;
      } else {
        let r = sigmoid_(xw[x] + r0);
        let z = sigmoid_(xw[x + HIDDEN] + r1);
        let n = tanh_(xw[x + 2u * HIDDEN] + r * r2);
        h_new = (1.0 - z) * n + z * h_shared[j];
        gates[saved] = r;
        gates[saved + HIDDEN] = z;
        gates[saved + 2u * HIDDEN] = n;
        gates[saved + 3u * HIDDEN] = r2;
      }
      states[h_at(fp, slot_out(t), b, j)] = h_new;
      out[(t * fp.B + b) * fp.out_stride + fp.out_offset + j] = h_new;
    }
    // The next step reads the states every lane of this workgroup just wrote.
    storageBarrier();
    workgroupBarrier();
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

@compute @workgroup_size(WG)
fn backward(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) lane: u32) {
  let b = wg.x;
  let gh = GATES * HIDDEN;
  let dh_at = b * HIDDEN;
  let dc_at = bp.carry_c + b * HIDDEN;
  for (var q = 0u; q < bp.s_count; q++) {
    let t = time_of(bp, bp.s_begin + bp.s_count - 1u - q);
    let row = (t * bp.B + b) * gh;
    let saved = (t * bp.B + b) * 4u * HIDDEN;
    // Phase 1: each lane turns ∂L/∂h_t of its units into gate pre-activation gradients.
    for (var j = lane; j < HIDDEN; j += WG) {
      let dh = d_out[(t * bp.B + b) * bp.out_stride + bp.out_offset + j] + carry[dh_at + j];
      dh_probe[(t * bp.B + b) * HIDDEN + j] = dh;
      if (CELL == 0u) {
        let h = saved_states[h_at(bp, slot_out(t), b, j)];
        let da = dh * (1.0 - h * h);
        d_gi[row + j] = da;
        d_rec[j] = da;
        carry[dh_at + j] = 0.0;
      } else if (CELL == 1u) {
        let i = saved_gates[saved + j];
        let f = saved_gates[saved + HIDDEN + j];
        let g = saved_gates[saved + 2u * HIDDEN + j];
        let o = saved_gates[saved + 3u * HIDDEN + j];
        let c = saved_states[c_at(bp, slot_out(t), b, j)];
        let c_prev = saved_states[c_at(bp, slot_in(t), b, j)];
        let tc = tanh_(c);
        // The cell state's constant error carousel: ∂L/∂c flows back through f alone.
        let dc = carry[dc_at + j] + dh * o * (1.0 - tc * tc);
        let da_i = dc * g * i * (1.0 - i);
        let da_f = dc * c_prev * f * (1.0 - f);
        let da_g = dc * i * (1.0 - g * g);
        let da_o = dh * tc * o * (1.0 - o);
        d_gi[row + j] = da_i;
        d_gi[row + HIDDEN + j] = da_f;
        d_gi[row + 2u * HIDDEN + j] = da_g;
        d_gi[row + 3u * HIDDEN + j] = da_o;
        d_rec[j] = da_i;
        d_rec[HIDDEN + j] = da_f;
        d_rec[2u * HIDDEN + j] = da_g;
        d_rec[3u * HIDDEN + j] = da_o;
        carry[dc_at + j] = dc * f;
        carry[dh_at + j] = 0.0;
      } else {
        let r = saved_gates[saved + j];
        let z = saved_gates[saved + HIDDEN + j];
        let n = saved_gates[saved + 2u * HIDDEN + j];
        let hn = saved_gates[saved + 3u * HIDDEN + j];
        let h_prev = saved_states[h_at(bp, slot_in(t), b, j)];
        let da_n = dh * (1.0 - z) * (1.0 - n * n);
        let da_r = da_n * hn * r * (1.0 - r);
        let da_z = dh * (h_prev - n) * z * (1.0 - z);
        d_gi[row + j] = da_r;
        d_gi[row + HIDDEN + j] = da_z;
        d_gi[row + 2u * HIDDEN + j] = da_n;
        d_gh[row + j] = da_r;
        d_gh[row + HIDDEN + j] = da_z;
        d_gh[row + 2u * HIDDEN + j] = da_n * r;
        d_rec[j] = da_r;
        d_rec[HIDDEN + j] = da_z;
        d_rec[2u * HIDDEN + j] = da_n * r;
        carry[dh_at + j] = dh * z; // the direct path h -> h'; phase 2 adds the rest
      }
    }
    workgroupBarrier();
    // Phase 2: ∂L/∂h_{t-1} = (direct path) + W_hhᵀ · d_rec, each lane for the same units as above.
    for (var k = lane; k < HIDDEN; k += WG) {
      var acc = carry[dh_at + k];
      for (var r = 0u; r < gh; r++) {
        acc = fma(w_hh[r * HIDDEN + k], d_rec[r], acc);
      }
      carry[dh_at + k] = acc;
    }
    storageBarrier();
    workgroupBarrier();
  }
}
