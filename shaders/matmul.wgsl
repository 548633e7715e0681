// Linear-layer kernels: tiled matmul in the three layouts a backward pass needs, bias add and the
// bias-gradient reduction.
//
// matmul:   C[M,N] (+)= op(A)[M,K] · op(B)[K,N]
//   op(A) = A  (A stored [M,K])  or  Aᵀ (A stored [K,M]) when TRANS_A
//   op(B) = B  (B stored [K,N])  or  Bᵀ (B stored [N,K]) when TRANS_B
//   Forward y = x·Wᵀ is (TRANS_B); dx = dy·W is plain; dW = dyᵀ·x is (TRANS_A, ACCUMULATE).
//
// Each 16x16 workgroup computes a 64x64 tile of C; each thread a 4x4 block strided by 16 so that
// neighbouring threads read neighbouring words of the shared tiles and of C.

override TRANS_A: bool = false;
override TRANS_B: bool = false;
override ACCUMULATE: bool = false;

const TILE_M: u32 = 64u;
const TILE_N: u32 = 64u;
const TILE_K: u32 = 16u;
const THREADS: u32 = 256u;

struct MatmulParams {
  M: u32,
  N: u32,
  K: u32,
  // Element offsets into A, B and C: lets a op read a slice (one timestep, the rows after the
  // first) without a binding offset, which WebGPU wants aligned to 256 bytes.
  a_offset: u32,
  b_offset: u32,
  c_offset: u32,
}

@group(0) @binding(0) var<storage, read> A: array<f32>;
@group(0) @binding(1) var<storage, read> B: array<f32>;
@group(0) @binding(2) var<storage, read_write> C: array<f32>;
@group(0) @binding(3) var<uniform> mm: MatmulParams;

var<workgroup> tileA: array<f32, 1024>; // [TILE_K][TILE_M]
var<workgroup> tileB: array<f32, 1024>; // [TILE_K][TILE_N]

fn loadA(m: u32, k: u32) -> f32 {
  if (m >= mm.M || k >= mm.K) {
    return 0.0;
  }
  if (TRANS_A) {
    return A[mm.a_offset + k * mm.M + m];
  }
  return A[mm.a_offset + m * mm.K + k];
}

fn loadB(k: u32, n: u32) -> f32 {
  if (k >= mm.K || n >= mm.N) {
    return 0.0;
  }
  if (TRANS_B) {
    return B[mm.b_offset + n * mm.K + k];
  }
  return B[mm.b_offset + k * mm.N + n];
}

@compute @workgroup_size(16, 16)
fn matmul(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let row0 = wg.y * TILE_M;
  let col0 = wg.x * TILE_N;
  let tid = lid.y * 16u + lid.x;
  var acc: array<f32, 16>;
  for (var i = 0u; i < 16u; i++) {
    acc[i] = 0.0;
  }

  let tiles = (mm.K + TILE_K - 1u) / TILE_K;
  for (var t = 0u; t < tiles; t++) {
    let k0 = t * TILE_K;
    // Each thread loads 4 elements of each tile, choosing the order that reads global memory
    // contiguously for the stored layout.
    for (var r = 0u; r < 4u; r++) {
      let idx = tid + r * THREADS;
      var mm_: u32;
      var kk: u32;
      if (TRANS_A) {
        kk = idx / TILE_M;
        mm_ = idx % TILE_M;
      } else {
        mm_ = idx / TILE_K;
        kk = idx % TILE_K;
      }
      tileA[kk * TILE_M + mm_] = loadA(row0 + mm_, k0 + kk);
      var nn: u32;
      var kb: u32;
      if (TRANS_B) {
        nn = idx / TILE_K;
        kb = idx % TILE_K;
      } else {
        kb = idx / TILE_N;
        nn = idx % TILE_N;
      }
      tileB[kb * TILE_N + nn] = loadB(k0 + kb, col0 + nn);
    }
    workgroupBarrier();
    for (var k = 0u; k < TILE_K; k++) {
      var a: array<f32, 4>;
      var b: array<f32, 4>;
      for (var i = 0u; i < 4u; i++) {
        a[i] = tileA[k * TILE_M + lid.y + 16u * i];
        b[i] = tileB[k * TILE_N + lid.x + 16u * i];
      }
      for (var i = 0u; i < 4u; i++) {
        for (var j = 0u; j < 4u; j++) {
          acc[i * 4u + j] = fma(a[i], b[j], acc[i * 4u + j]);
        }
      }
    }
    workgroupBarrier();
  }

  for (var i = 0u; i < 4u; i++) {
    let row = row0 + lid.y + 16u * i;
    if (row >= mm.M) {
      continue;
    }
    for (var j = 0u; j < 4u; j++) {
      let col = col0 + lid.x + 16u * j;
      if (col < mm.N) {
        let at = mm.c_offset + row * mm.N + col;
        if (ACCUMULATE) {
          C[at] = C[at] + acc[i * 4u + j];
        } else {
          C[at] = acc[i * 4u + j];
        }
      }
    }
  }
}

// ---- bias ---------------------------------------------------------------------------------

struct BiasParams {
  rows: u32,
  cols: u32,
}

@group(0) @binding(0) var<storage, read_write> Y: array<f32>;   // (rows, cols)
@group(0) @binding(1) var<storage, read> bias: array<f32>;      // (cols)
@group(0) @binding(2) var<uniform> bp: BiasParams;

// Y[r, c] += bias[c]
@compute @workgroup_size(256)
fn biasAdd(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = gid.x + gid.y * groups.x * 256u;
  if (i >= bp.rows * bp.cols) {
    return;
  }
  Y[i] = Y[i] + bias[i % bp.cols];
}

@group(0) @binding(0) var<storage, read> dY: array<f32>;          // (rows, cols)
@group(0) @binding(1) var<storage, read_write> dBias: array<f32>; // (cols)
@group(0) @binding(2) var<uniform> bg: BiasParams;

var<workgroup> partial: array<f32, 256>; // [16 row lanes][16 columns]

// dBias[c] (+)= Σ_r dY[r, c]. A workgroup owns 16 columns; 16 lanes stride over the rows and a
// tree over the lanes finishes the sum.
@compute @workgroup_size(16, 16)
fn biasGrad(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let col = wg.x * 16u + lid.x;
  var s = 0.0;
  if (col < bg.cols) {
    for (var r = lid.y; r < bg.rows; r += 16u) {
      s += dY[r * bg.cols + col];
    }
  }
  partial[lid.y * 16u + lid.x] = s;
  workgroupBarrier();
  for (var stride = 8u; stride > 0u; stride >>= 1u) {
    if (lid.y < stride) {
      partial[lid.y * 16u + lid.x] += partial[(lid.y + stride) * 16u + lid.x];
    }
    workgroupBarrier();
  }
  if (lid.y == 0u && col < bg.cols) {
    if (ACCUMULATE) {
      dBias[col] = dBias[col] + partial[lid.x];
    } else {
      dBias[col] = partial[lid.x];
    }
  }
}
