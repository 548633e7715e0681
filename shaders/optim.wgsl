// Optimizers with PyTorch's semantics, one dispatch over a whole parameter slab, and the clipping
// factor of torch.nn.utils.clip_grad_norm_ computed on the GPU so no readback sits in a step.
//
// clipScale: reads the per-segment sums of squares of the gradients, writes
//   stats[0] = clip factor min(1, max_norm / (‖g‖ + 1e-6))  (1 when clipping is off)
//   stats[1] = ‖g‖ (before clipping), read back asynchronously for the UI
//   stats[2] = 1 when ‖g‖ is NaN or infinite: the optimizers then leave every parameter as it
//              was, so a non-finite gradient is never trained on (the host reports it).
// adam: g = scale·grad (+ wd·p); m = β1 m + (1-β1) g; v = β2 v + (1-β2) g²;
//   p -= (lr / bc1) · m / (sqrt(v) / sqrt(bc2) + eps),  bc_i = 1 - β_i^step.
// sgd:  g = scale·grad (+ wd·p); buf = g on the first step, else μ buf + (1-dampening) g;
//   p -= lr · (nesterov ? g + μ buf : buf).

const WORKGROUP: u32 = 256u;

struct ClipParams {
  segments: u32,
  max_norm: f32, // <= 0: no clipping
}

@group(0) @binding(0) var<storage, read> sumsq: array<f32>;
@group(0) @binding(1) var<storage, read_write> stats: array<f32>;
@group(0) @binding(2) var<uniform> cp: ClipParams;

@compute @workgroup_size(1)
fn clipScale() {
  var total = 0.0;
  for (var i = 0u; i < cp.segments; i++) {
    total += sumsq[i];
  }
  let norm = sqrt(total);
  var scale = 1.0;
  if (cp.max_norm > 0.0) {
    scale = min(1.0, cp.max_norm / (norm + 1e-6));
  }
  stats[0] = scale;
  stats[1] = norm;
  stats[2] = select(0.0, 1.0, !is_finite(norm));
}

// Checked on the bits: compilers may fold float comparisons that assume no NaN.
fn is_finite(x: f32) -> bool {
  return (bitcast<u32>(x) & 0x7f800000u) != 0x7f800000u;
}

struct AdamParams {
  n: u32,
  lr: f32,
  // 1 - β computed on the host in float64: in f32, 1 - 0.999 is off by 1e-5 relative, which
  // drifts a 15-step run by 7e-5 from PyTorch's.
  one_minus_beta1: f32,
  beta2: f32,
  one_minus_beta2: f32,
  eps: f32,
  weight_decay: f32,
  bias_correction1: f32,
  bias_correction2_sqrt: f32,
}

@group(0) @binding(0) var<storage, read_write> param: array<f32>;
@group(0) @binding(1) var<storage, read> grad: array<f32>;
@group(0) @binding(2) var<storage, read_write> exp_avg: array<f32>;
@group(0) @binding(3) var<storage, read_write> exp_avg_sq: array<f32>;
@group(0) @binding(4) var<storage, read> scale: array<f32>;              // clipScale's stats
@group(0) @binding(5) var<uniform> ap: AdamParams;

@compute @workgroup_size(WORKGROUP)
fn adam(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = gid.x + gid.y * groups.x * WORKGROUP;
  if (i >= ap.n || scale[2] != 0.0) {
    return;
  }
  var g = grad[i] * scale[0];
  let p = param[i];
  if (ap.weight_decay != 0.0) {
    g += ap.weight_decay * p;
  }
  let m = exp_avg[i] + (g - exp_avg[i]) * ap.one_minus_beta1;
  let v = ap.beta2 * exp_avg_sq[i] + ap.one_minus_beta2 * g * g;
  exp_avg[i] = m;
  exp_avg_sq[i] = v;
  let denom = sqrt(v) / ap.bias_correction2_sqrt + ap.eps;
  param[i] = p - (ap.lr / ap.bias_correction1) * m / denom;
}

struct SgdParams {
  n: u32,
  lr: f32,
  momentum: f32,
  one_minus_dampening: f32,
  weight_decay: f32,
  nesterov: u32,
  first_step: u32,
}

@group(0) @binding(0) var<storage, read_write> sgd_param: array<f32>;
@group(0) @binding(1) var<storage, read> sgd_grad: array<f32>;
@group(0) @binding(2) var<storage, read_write> momentum_buffer: array<f32>;
@group(0) @binding(3) var<storage, read> sgd_scale: array<f32>;
@group(0) @binding(4) var<uniform> sp: SgdParams;

@compute @workgroup_size(WORKGROUP)
fn sgd(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = gid.x + gid.y * groups.x * WORKGROUP;
  if (i >= sp.n || sgd_scale[2] != 0.0) {
    return;
  }
  let p = sgd_param[i];
  var g = sgd_grad[i] * sgd_scale[0];
  if (sp.weight_decay != 0.0) {
    g += sp.weight_decay * p;
  }
  var step = g;
  if (sp.momentum != 0.0) {
    var buf = g;
    if (sp.first_step == 0u) {
      buf = sp.momentum * momentum_buffer[i] + sp.one_minus_dampening * g;
    }
    momentum_buffer[i] = buf;
    if (sp.nesterov != 0u) {
      step = g + sp.momentum * buf;
    } else {
      step = buf;
    }
  }
  sgd_param[i] = p - sp.lr * step;
}
