// Elementwise activations, forward and backward. OP selects the function:
// 0 sigmoid, 1 tanh, 2 softplus, 3 SiLU, 4 exp.
//   forward:  y[i] = f(x[i])
//   backward: dx[i] (+)= dy[i] * f'(x[i])

override OP: u32 = 0u;
override ACCUMULATE: bool = false;
const WORKGROUP: u32 = 256u;

struct Params {
  n: u32,
}

@group(0) @binding(0) var<storage, read> src: array<f32>;        // (n) x
@group(0) @binding(1) var<storage, read> upstream: array<f32>;   // (n) dy (backward only)
@group(0) @binding(2) var<storage, read_write> dst: array<f32>;  // (n) y or dx
@group(0) @binding(3) var<uniform> params: Params;

fn apply(x: f32) -> f32 {
  switch OP {
    case 0u: { return sigmoid_(x); }
    case 1u: { return tanh_(x); }
    case 2u: { return softplus_(x); }
    case 3u: { return silu_(x); }
    default: { return exp_(x); }
  }
}

fn derivative(x: f32) -> f32 {
  switch OP {
    case 0u: { return sigmoid_grad(x); }
    case 1u: { return tanh_grad(x); }
    case 2u: { return softplus_grad(x); }
    case 3u: { return silu_grad(x); }
    default: { return exp_(x); }
  }
}

fn flat_index(gid: vec3<u32>, groups: vec3<u32>) -> u32 {
  return gid.x + gid.y * groups.x * WORKGROUP;
}

@compute @workgroup_size(WORKGROUP)
fn forward(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = flat_index(gid, groups);
  if (i >= params.n) {
    return;
  }
  dst[i] = apply(src[i]);
}

@compute @workgroup_size(WORKGROUP)
fn backward(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = flat_index(gid, groups);
  if (i >= params.n) {
    return;
  }
  let g = upstream[i] * derivative(src[i]);
  if (ACCUMULATE) {
    dst[i] = dst[i] + g;
  } else {
    dst[i] = g;
  }
}
