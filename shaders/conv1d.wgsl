// Causal depthwise 1D convolution with bias (Mamba's conv1d: groups = channels, padding K-1,
// output cut to the input's length), forward and backward side by side. Time-major rows:
// element (t, b, c) of x is x[x_offset + (t·B + b)·x_stride + c], of y likewise with y_*.
// Strides let the forward read the first half of in_proj's output and the backward write dx
// into the first half of its gradient, with no copy.
//
//   forward:     y[t,b,c]  = bias[c] + Σ_k w[c,k] · x[t-(K-1)+k, b, c]      (x before t=0 is 0)
//   backwardX:   dx[t,b,c] = Σ_k w[c,k] · dy[t+(K-1)-k, b, c]               (dy past T-1 is 0)
//   weightGrad:  dw[c,k]   = Σ_{t,b} dy[t,b,c] · x[t-(K-1)+k, b, c]
//   biasGrad:    db[c]     = Σ_{t,b} dy[t,b,c]
// The two reductions run one workgroup per output value (no float atomics): lanes stride over
// the T·B rows, a tree in workgroup memory finishes.
//
// forwardHistory is the forward with the K-1 steps before t=0 read from `history` (rows laid out
// like x's) instead of zeros: a long sequence convolved window by window, each window's history
// being the last K-1 rows of the window before it.

const FLAT: u32 = 64u;
const LANES: u32 = 64u;

struct ConvParams {
  T: u32,
  B: u32,
  C: u32, //        channels
  K: u32, //        kernel width
  x_offset: u32,
  x_stride: u32,
  y_offset: u32,
  y_stride: u32,
}

@group(0) @binding(0) var<storage, read> xs: array<f32>; //        (T, B, x_stride) x
@group(0) @binding(1) var<storage, read> dys: array<f32>; //       (T, B, y_stride) dy
@group(0) @binding(2) var<storage, read> weight: array<f32>; //    (C, 1, K)
@group(0) @binding(3) var<storage, read> bias: array<f32>; //      (C)
@group(0) @binding(4) var<storage, read_write> out: array<f32>; // y, dx, dw (C, K) or db (C)
@group(0) @binding(5) var<uniform> cp: ConvParams;
@group(0) @binding(6) var<storage, read> history: array<f32>; // (K-1, B, x_stride) x at t = -(K-1)..-1

var<workgroup> partial: array<f32, LANES>;

fn xAt(t: u32, b: u32, c: u32) -> u32 {
  return cp.x_offset + (t * cp.B + b) * cp.x_stride + c;
}

fn yAt(t: u32, b: u32, c: u32) -> u32 {
  return cp.y_offset + (t * cp.B + b) * cp.y_stride + c;
}

fn flatIndex(gid: vec3<u32>, groups: vec3<u32>) -> u32 {
  return gid.x + gid.y * groups.x * FLAT;
}

/** bias + the taps of output (t, b, c) that read x itself (source steps t - (K-1) + k >= 0). */
fn causalTaps(t: u32, b: u32, c: u32) -> f32 {
  var acc = bias[c];
  for (var k = 0u; k < cp.K; k++) {
    if (t + k + 1u >= cp.K) {
      acc = fma(weight[c * cp.K + k], xs[xAt(t + k + 1u - cp.K, b, c)], acc);
    }
  }
  return acc;
}

@compute @workgroup_size(FLAT)
fn forward(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = flatIndex(gid, groups);
  if (i >= cp.T * cp.B * cp.C) {
    return;
  }
  let c = i % cp.C;
  let row = i / cp.C;
  out[yAt(row / cp.B, row % cp.B, c)] = causalTaps(row / cp.B, row % cp.B, c);
}

@compute @workgroup_size(FLAT)
fn forwardHistory(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = flatIndex(gid, groups);
  if (i >= cp.T * cp.B * cp.C) {
    return;
  }
  let c = i % cp.C;
  let row = i / cp.C;
  let t = row / cp.B;
  let b = row % cp.B;
  var acc = causalTaps(t, b, c);
  // The taps before the start: source step s = t - (K-1) + k < 0 is history row s + K-1 = t + k.
  for (var k = 0u; t + k + 1u < cp.K; k++) {
    acc = fma(weight[c * cp.K + k], history[xAt(t + k, b, c)], acc);
  }
  out[yAt(t, b, c)] = acc;
}

@compute @workgroup_size(FLAT)
fn backwardX(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = flatIndex(gid, groups);
  if (i >= cp.T * cp.B * cp.C) {
    return;
  }
  let c = i % cp.C;
  let row = i / cp.C;
  let t = row / cp.B;
  let b = row % cp.B;
  var acc = 0.0;
  for (var k = 0u; k < cp.K; k++) {
    // x at step t fed output step t + (K-1) - k.
    let s = t + cp.K - 1u - k;
    if (s < cp.T) {
      acc = fma(weight[c * cp.K + k], dys[yAt(s, b, c)], acc);
    }
  }
  out[xAt(t, b, c)] = acc;
}

/** Sum of `v` over the workgroup, returned to lane 0. Call from uniform control flow. */
fn lanesSum(lane: u32, v: f32) -> f32 {
  partial[lane] = v;
  workgroupBarrier();
  for (var stride = LANES / 2u; stride > 0u; stride >>= 1u) {
    if (lane < stride) {
      partial[lane] += partial[lane + stride];
    }
    workgroupBarrier();
  }
  return partial[0];
}

/** One workgroup per (c, k): workgroup index c·K + k. */
@compute @workgroup_size(LANES)
fn weightGrad(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>, @builtin(local_invocation_index) lane: u32) {
  let o = wg.x + wg.y * groups.x;
  if (o >= cp.C * cp.K) {
    return; // uniform across the workgroup
  }
  let c = o / cp.K;
  let k = o % cp.K;
  var acc = 0.0;
  for (var row = lane; row < cp.T * cp.B; row += LANES) {
    let t = row / cp.B;
    let b = row % cp.B;
    if (t + k + 1u >= cp.K) {
      acc = fma(dys[yAt(t, b, c)], xs[xAt(t + k + 1u - cp.K, b, c)], acc);
    }
  }
  let total = lanesSum(lane, acc);
  if (lane == 0u) {
    out[o] = total;
  }
}

/** One workgroup per channel. */
@compute @workgroup_size(LANES)
fn biasGrad(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>, @builtin(local_invocation_index) lane: u32) {
  let c = wg.x + wg.y * groups.x;
  if (c >= cp.C) {
    return;
  }
  var acc = 0.0;
  for (var row = lane; row < cp.T * cp.B; row += LANES) {
    acc += dys[yAt(row / cp.B, row % cp.B, c)];
  }
  let total = lanesSum(lane, acc);
  if (lane == 0u) {
    out[c] = total;
  }
}
