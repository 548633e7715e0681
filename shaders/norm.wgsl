// RMSNorm (mamba_ssm's RMSNorm, as its rms_norm_ref computes it), forward and backward, over
// rows of `width` values:
//
//   forward:     rstd[r] = 1 / sqrt(mean_j x[r,j]² + eps),   y[r,j] = x[r,j] · rstd[r] · w[j]
//   backwardX:   with x̂ = x·rstd and g = dy·w,  dx[r,j] (+)= rstd[r] · (g_j - x̂_j · mean_i(g_i·x̂_i))
//   weightGrad:  dw[j] = Σ_r dy[r,j] · x̂[r,j]
//
// One thread per row for the forward and dx (rows are short: d_model); the weight gradient sums
// over rows, one workgroup per column with a tree in workgroup memory (no float atomics).
// ACCUMULATE adds dx to what is there: a residual stream's gradient arrives first by copy.

override ACCUMULATE: bool = false;
const FLAT: u32 = 64u;
const LANES: u32 = 64u;

struct NormParams {
  rows: u32,
  width: u32,
  eps: f32,
}

@group(0) @binding(0) var<storage, read> x: array<f32>; //          (rows, width)
@group(0) @binding(1) var<storage, read> weight: array<f32>; //     (width)
@group(0) @binding(2) var<storage, read> dy: array<f32>; //         (rows, width)
@group(0) @binding(3) var<storage, read_write> rstd: array<f32>; // (rows), written by forward
@group(0) @binding(4) var<storage, read_write> out: array<f32>; //  y or dx (rows, width), dw (width)
@group(0) @binding(5) var<uniform> np: NormParams;

var<workgroup> partial: array<f32, LANES>;

fn flatIndex(gid: vec3<u32>, groups: vec3<u32>) -> u32 {
  return gid.x + gid.y * groups.x * FLAT;
}

@compute @workgroup_size(FLAT)
fn forward(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let r = flatIndex(gid, groups);
  if (r >= np.rows) {
    return;
  }
  let base = r * np.width;
  var ss = 0.0;
  for (var j = 0u; j < np.width; j++) {
    ss = fma(x[base + j], x[base + j], ss);
  }
  let s = inverseSqrt(ss / f32(np.width) + np.eps);
  rstd[r] = s;
  for (var j = 0u; j < np.width; j++) {
    out[base + j] = x[base + j] * s * weight[j];
  }
}

@compute @workgroup_size(FLAT)
fn backwardX(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let r = flatIndex(gid, groups);
  if (r >= np.rows) {
    return;
  }
  let base = r * np.width;
  let s = rstd[r];
  var dot = 0.0;
  for (var j = 0u; j < np.width; j++) {
    dot = fma(dy[base + j] * weight[j], x[base + j] * s, dot);
  }
  let m = dot / f32(np.width);
  for (var j = 0u; j < np.width; j++) {
    let g = s * (dy[base + j] * weight[j] - x[base + j] * s * m);
    if (ACCUMULATE) {
      out[base + j] = out[base + j] + g;
    } else {
      out[base + j] = g;
    }
  }
}

/** One workgroup per column j. */
@compute @workgroup_size(LANES)
fn weightGrad(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>, @builtin(local_invocation_index) lane: u32) {
  let j = wg.x + wg.y * groups.x;
  if (j >= np.width) {
    return; // uniform across the workgroup
  }
  var acc = 0.0;
  for (var r = lane; r < np.rows; r += LANES) {
    acc = fma(dy[r * np.width + j], x[r * np.width + j] * rstd[r], acc);
  }
  partial[lane] = acc;
  workgroupBarrier();
  for (var stride = LANES / 2u; stride > 0u; stride >>= 1u) {
    if (lane < stride) {
      partial[lane] += partial[lane + stride];
    }
    workgroupBarrier();
  }
  if (lane == 0u) {
    out[j] = partial[0];
  }
}
