// Data movement: transpose and row broadcast. Cheap next to a step's matmuls, and they let the
// recurrent kernels read weights coalesced and start from a state shared by the whole batch.

struct TransposeParams {
  rows: u32,
  cols: u32,
}

@group(0) @binding(0) var<storage, read> src: array<f32>;        // (rows, cols)
@group(0) @binding(1) var<storage, read_write> dst: array<f32>;  // (cols, rows)
@group(0) @binding(2) var<uniform> tp: TransposeParams;

var<workgroup> tile: array<f32, 272>; // 16 x 17: the extra column avoids bank conflicts

@compute @workgroup_size(16, 16)
fn transpose(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let r = wg.y * 16u + lid.y;
  let c = wg.x * 16u + lid.x;
  if (r < tp.rows && c < tp.cols) {
    tile[lid.y * 17u + lid.x] = src[r * tp.cols + c];
  }
  workgroupBarrier();
  let tr = wg.x * 16u + lid.y; // row of dst = column of src
  let tc = wg.y * 16u + lid.x;
  if (tr < tp.cols && tc < tp.rows) {
    dst[tr * tp.rows + tc] = tile[lid.x * 17u + lid.y];
  }
}

struct BroadcastParams {
  rows: u32,       // rows written to dst
  cols: u32,
  src_rows: u32,   // dst row r copies src row r % src_rows
  dst_offset: u32, // first element written in dst
}

@group(0) @binding(0) var<storage, read> from_rows: array<f32>;       // (src_rows, cols)
@group(0) @binding(1) var<storage, read_write> to_rows: array<f32>;   // (rows, cols)
@group(0) @binding(2) var<uniform> bp: BroadcastParams;

@compute @workgroup_size(256)
fn broadcastRows(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = gid.x + gid.y * groups.x * 256u;
  if (i >= bp.rows * bp.cols) {
    return;
  }
  let r = i / bp.cols;
  let c = i % bp.cols;
  to_rows[bp.dst_offset + i] = from_rows[(r % bp.src_rows) * bp.cols + c];
}
