// Segmented reductions: out[s] (+)= Σ f(data[offset_s .. offset_s + length_s]), f = x (OP 0) or
// x² (OP 1, for gradient norms). One workgroup per segment; 256 lanes stride over the segment
// and a tree in workgroup memory finishes. Long arrays are split into many segments and reduced
// again (see src/kernels/reduce.ts), so no segment is long enough for f32 sums to drift far.

override OP: u32 = 0u;
override ACCUMULATE: bool = false;
const WORKGROUP: u32 = 256u;

struct Segment {
  offset: u32,
  length: u32,
}

@group(0) @binding(0) var<storage, read> data: array<f32>;
@group(0) @binding(1) var<storage, read> segments: array<Segment>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

var<workgroup> partial: array<f32, WORKGROUP>;

@compute @workgroup_size(WORKGROUP)
fn segmentReduce(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>, @builtin(local_invocation_index) lane: u32) {
  let s = wg.x + wg.y * groups.x;
  if (s >= arrayLength(&segments)) {
    return; // uniform across the workgroup: every lane returns together
  }
  let seg = segments[s];
  var acc = 0.0;
  for (var i = lane; i < seg.length; i += WORKGROUP) {
    let x = data[seg.offset + i];
    if (OP == 1u) {
      acc = fma(x, x, acc);
    } else {
      acc += x;
    }
  }
  partial[lane] = acc;
  workgroupBarrier();
  for (var stride = WORKGROUP / 2u; stride > 0u; stride >>= 1u) {
    if (lane < stride) {
      partial[lane] += partial[lane + stride];
    }
    workgroupBarrier();
  }
  if (lane == 0u) {
    if (ACCUMULATE) {
      out[s] = out[s] + partial[0];
    } else {
      out[s] = partial[0];
    }
  }
}
