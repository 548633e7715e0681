// minGRU and minLSTM (Feng et al. 2024), the elementwise part, forward and backward side by side.
// The float64 reference and the glossary are in src/reference/minrnn.ts; the host side in
// src/models/minrnn.ts. Per step t, batch row b and unit j, from the pre-activations
// k = W·x_t + bias (one matmul for all steps, done before):
//
//   minGRU   z = σ(k_z);                a = 1 - z;       b = z·c(k_h)
//   minLSTM  f = σ(k_f), i = σ(k_i);    a = f/(f+i);     b = (1 - a)·c(k_h)
//   c(v) = v + 0.5 for v ≥ 0, σ(v) below (CANDIDATE 0, the paper's g), or v (CANDIDATE 1)
//
// The recurrence h_t = a_t·h_{t-1} + b_t is not here: it is the linear scan of shaders/scan.wgsl.
// Backward: given g_t = ∂L/∂h_t in total (the scan's adjoint), ∂L/∂a = g·h_{t-1} and ∂L/∂b = g,
// and the chain rule through the gates gives ∂L/∂k, which the weight-gradient matmuls read.
// minLSTM's a is computed as σ(softplus(-k_i) - softplus(-k_f)) (= f/(f+i), since log σ(v) =
// -softplus(-v)), which neither underflows nor divides 0 by 0 when both gates are near zero.

override CELL: u32 = 0u; //       0 minGRU, 1 minLSTM
override CANDIDATE: u32 = 0u; //  0 g, 1 identity
override GATES: u32 = select(2u, 3u, CELL == 1u);

const FLAT: u32 = 64u;

struct MinParams {
  T: u32,
  B: u32,
  H: u32,
  pad: u32,
}

@group(0) @binding(0) var<uniform> mp: MinParams;
@group(0) @binding(1) var<storage, read> pre: array<f32>; //                (T, B, G·H) k
@group(0) @binding(2) var<storage, read_write> coef_a: array<f32>; //       (T, B, H)
@group(0) @binding(3) var<storage, read_write> coef_b: array<f32>; //       (T, B, H)
@group(0) @binding(4) var<storage, read_write> gates: array<f32>; //        (T, B, (G-1)·H) z, or f and i
@group(0) @binding(5) var<storage, read> grad_h: array<f32>; //             (T, B, H) g = ∂L/∂h_t in total
@group(0) @binding(6) var<storage, read> states: array<f32>; //             (T, B, H) h_t, the layer's output
@group(0) @binding(7) var<storage, read> h_init: array<f32>; //             (B, H) h before step 0
@group(0) @binding(8) var<storage, read_write> d_pre: array<f32>; //        (T, B, G·H) ∂L/∂k
@group(0) @binding(9) var<storage, read_write> d_init: array<f32>; //       (B, H) ∂L/∂h0 = a_0·g_0

fn flatIndex(gid: vec3<u32>, groups: vec3<u32>) -> u32 {
  return gid.x + gid.y * groups.x * FLAT;
}

fn candidate(v: f32) -> f32 {
  if (CANDIDATE == 1u) {
    return v;
  }
  if (v >= 0.0) {
    return v + 0.5;
  }
  return sigmoid_(v);
}

fn candidateGrad(v: f32) -> f32 {
  if (CANDIDATE == 1u || v >= 0.0) {
    return 1.0;
  }
  return sigmoid_grad(v);
}

/** Where unit j's gate block `block` is in `pre` / `d_pre` for step t, row b. */
fn preIndex(t: u32, b: u32, block: u32, j: u32) -> u32 {
  return ((t * mp.B + b) * GATES + block) * mp.H + j;
}

/** a = f/(f+i) from the pre-activations of f and i. */
fn forgetShare(kf: f32, ki: f32) -> f32 {
  return sigmoid_(softplus_(-ki) - softplus_(-kf));
}

/** a_t, b_t and the gates, one thread per (t, b, j). */
@compute @workgroup_size(FLAT)
fn gatesForward(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let n = flatIndex(gid, groups);
  let H = mp.H;
  if (n >= mp.T * mp.B * H) {
    return;
  }
  let j = n % H;
  let row = n / H; // t·B + b
  let t = row / mp.B;
  let b = row % mp.B;
  let c = candidate(pre[preIndex(t, b, GATES - 1u, j)]);
  let g0 = pre[preIndex(t, b, 0u, j)];
  if (CELL == 0u) {
    let z = sigmoid_(g0);
    coef_a[n] = 1.0 - z;
    coef_b[n] = z * c;
    gates[row * H + j] = z;
  } else {
    let g1 = pre[preIndex(t, b, 1u, j)];
    let a = forgetShare(g0, g1);
    coef_a[n] = a;
    coef_b[n] = (1.0 - a) * c;
    gates[row * 2u * H + j] = sigmoid_(g0);
    gates[row * 2u * H + H + j] = sigmoid_(g1);
  }
}

/** ∂L/∂k of every gate block (and ∂L/∂h0 at t = 0), one thread per (t, b, j). */
@compute @workgroup_size(FLAT)
fn gatesBackward(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let n = flatIndex(gid, groups);
  let H = mp.H;
  if (n >= mp.T * mp.B * H) {
    return;
  }
  let j = n % H;
  let row = n / H;
  let t = row / mp.B;
  let b = row % mp.B;
  var h_prev = h_init[b * H + j];
  if (t > 0u) {
    h_prev = states[n - mp.B * H];
  }
  let g = grad_h[n];
  let kh = pre[preIndex(t, b, GATES - 1u, j)];
  let c = candidate(kh);
  let g0 = pre[preIndex(t, b, 0u, j)];
  var a: f32;
  if (CELL == 0u) {
    let z = sigmoid_(g0);
    a = 1.0 - z;
    d_pre[preIndex(t, b, 0u, j)] = g * (c - h_prev) * z * (1.0 - z);
    d_pre[preIndex(t, b, 1u, j)] = g * z * candidateGrad(kh);
  } else {
    let g1 = pre[preIndex(t, b, 1u, j)];
    a = forgetShare(g0, g1);
    // h = a·h_prev + (1 - a)·c: ∂L/∂a = g·(h_prev - c); ∂a/∂k_f = a(1-a)(1-f), ∂a/∂k_i = -a(1-a)(1-i).
    let da = g * (h_prev - c) * a * (1.0 - a);
    d_pre[preIndex(t, b, 0u, j)] = da * (1.0 - sigmoid_(g0));
    d_pre[preIndex(t, b, 1u, j)] = -da * (1.0 - sigmoid_(g1));
    d_pre[preIndex(t, b, 2u, j)] = g * (1.0 - a) * candidateGrad(kh);
  }
  if (t == 0u) {
    d_init[b * H + j] = a * g;
  }
}
