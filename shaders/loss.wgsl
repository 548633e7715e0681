// Losses, forward and gradient in one pass. Each writes per-element (or per-row) loss terms
// already divided by the count, so their sum (shaders/reduce.wgsl) is the mean loss.
//   mse:          term_i = (p_i - y_i)² / n;               ∂L/∂p_i = 2 (p_i - y_i) / n
//   crossEntropy: term_r = logsumexp(z_r) - z_r[y_r] / rows; ∂L/∂z_rc = (softmax(z_r)_c - [c = y_r]) / rows
// A target of -1 in crossEntropy marks a row to ignore (padding), as PyTorch's ignore_index.

struct LossParams {
  n: u32,        // mse: elements; crossEntropy: rows
  classes: u32,  // crossEntropy only
  inv_count: f32,
}

@group(0) @binding(0) var<storage, read> pred: array<f32>;
@group(0) @binding(1) var<storage, read> labels: array<f32>; // MSE targets, or class ids for cross-entropy
@group(0) @binding(2) var<storage, read_write> grad: array<f32>;
@group(0) @binding(3) var<storage, read_write> terms: array<f32>;
@group(0) @binding(4) var<uniform> lp: LossParams;

@compute @workgroup_size(256)
fn mse(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = gid.x + gid.y * groups.x * 256u;
  if (i >= lp.n) {
    return;
  }
  let d = pred[i] - labels[i];
  grad[i] = 2.0 * d * lp.inv_count;
  terms[i] = d * d * lp.inv_count;
}

@compute @workgroup_size(64)
fn crossEntropy(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let r = gid.x + gid.y * groups.x * 64u;
  if (r >= lp.n) {
    return;
  }
  let base = r * lp.classes;
  let y = i32(round(labels[r]));
  if (y < 0) {
    for (var c = 0u; c < lp.classes; c++) {
      grad[base + c] = 0.0;
    }
    terms[r] = 0.0;
    return;
  }
  var m = pred[base];
  for (var c = 1u; c < lp.classes; c++) {
    m = max(m, pred[base + c]);
  }
  var s = 0.0;
  for (var c = 0u; c < lp.classes; c++) {
    s += exp(pred[base + c] - m);
  }
  let lse = m + log(s);
  for (var c = 0u; c < lp.classes; c++) {
    let p = exp(pred[base + c] - lse);
    var g = p;
    if (i32(c) == y) {
      g = p - 1.0;
    }
    grad[base + c] = g * lp.inv_count;
  }
  terms[r] = (lse - pred[base + u32(y)]) * lp.inv_count;
}
