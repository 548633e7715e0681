// The small elementwise pieces of the Mamba block around the scan (src/models/mamba.ts):
//
//   aFromLog:    A[i] = -exp(A_log[i])               the scan's A, negative by construction
//   aLogGrad:    dA_log[i] = dA[i] · A[i]            since ∂A/∂A_log = -exp(A_log) = A
//   deltaProbe:  Δ[t, d] = softplus(delta[t, b, d] + bias[d]) for one sample b, what the scan used
//                (the bias is read from the scan's workspace copy, as it was in that forward pass)

const FLAT: u32 = 64u;

struct GlueParams {
  n: u32, //           elements written
  batch: u32, //       deltaProbe: B
  channels: u32, //    deltaProbe: d_inner
  sample: u32, //      deltaProbe: b
  bias_offset: u32, // deltaProbe: f32 offset of the bias in `aux`
}

@group(0) @binding(0) var<storage, read> src: array<f32>;
@group(0) @binding(1) var<storage, read> aux: array<f32>;
@group(0) @binding(2) var<storage, read_write> dst: array<f32>;
@group(0) @binding(3) var<uniform> gp: GlueParams;

fn flatIndex(gid: vec3<u32>, groups: vec3<u32>) -> u32 {
  return gid.x + gid.y * groups.x * FLAT;
}

@compute @workgroup_size(FLAT)
fn aFromLog(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = flatIndex(gid, groups);
  if (i < gp.n) {
    dst[i] = -exp_(src[i]);
  }
}

@compute @workgroup_size(FLAT)
fn aLogGrad(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = flatIndex(gid, groups);
  if (i < gp.n) {
    dst[i] = src[i] * aux[i];
  }
}

/** src: delta (T, B, d_inner) before bias; dst: (T, d_inner). */
@compute @workgroup_size(FLAT)
fn deltaProbe(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = flatIndex(gid, groups);
  if (i >= gp.n) {
    return;
  }
  let t = i / gp.channels;
  let d = i % gp.channels;
  dst[i] = softplus_(src[(t * gp.batch + gp.sample) * gp.channels + d] + aux[gp.bias_offset + d]);
}
