// Selective scan (Mamba-1), forward and backward side by side. The float64 reference and the
// glossary are in src/reference/mamba.ts; the host side, which records these entry points as ops,
// is src/kernels/scan.ts. Per batch b, channel d and state n, with Δ_t = softplus(delta_t + bias):
//
//   h_t = a_t·h_{t-1} + b_t,   a_t = exp(Δ_t·A[d,n]),   b_t = Δ_t·B[b,n,t]·u[b,d,t]
//   y_t = (Σ_n C[b,n,t]·h_t + D[d]·u_t) · SiLU(z_t)
//
// The recurrence is linear, so steps compose as pairs: doing (a1, b1) then (a2, b2) is
// (a2·a1, a2·b1 + b2). That composition is associative, which lets the parallel kernels split a
// sequence into runs: each thread scans ITEMS steps serially, the workgroup combines the runs
// (scanExclusive, below) and a chunk of THREADS·ITEMS steps is done. Longer sequences take three
// passes: every chunk's total pair (chunkTotals), a serial scan over the chunk totals giving each
// chunk's start state (chunkCarries), then every chunk again from its start state
// (forwardParallel). Only chunk-start states are stored; the backward pass recomputes the states
// inside each chunk. With HAS_INITIAL the forward starts from a given state instead of zeros: a
// sequence too long for one pass runs window by window, each window starting from the last one's
// final state.
//
// The backward pass is the same scan run backwards. With dout_t = dy_t·SiLU(z_t) and
// g_t = ∂loss/∂h_t, g_t = dout_t·C_t + a_{t+1}·g_{t+1}, started from ∂loss/∂lastState. Writing
// r_t = a_t·g_t (what step t hands back to step t-1), r_t = a_t·r_{t+1} + a_t·dout_t·C_t: pairs
// (a_t, a_t·dout_t·C_t) composed from the last step to the first.
//
// Two combines of the threads' runs. The composition is not commutative, so runs must combine in
// time order; a thread's place in that order is its slot (placeThread), and its run covers steps
// chunk·chunk_len + slot·ITEMS onwards.
//   - Workgroup memory: a Hillis-Steele scan over THREADS pairs in scan_a/scan_b, log2(THREADS)
//     levels of two barriers each; the slot is local_invocation_index.
//   - Subgroups: a Hillis-Steele scan within each subgroup through subgroupShuffleUp (Down for the
//     reverse scan), log2(subgroup size) levels without barriers, then each thread composes the
//     totals of the subgroups before its own, passed through workgroup memory. WGSL relates
//     subgroup_invocation_id to no other index and does not promise full subgroups, so each
//     subgroup takes a range of consecutive slots from a workgroup counter, its lanes in lane
//     order, and the workgroup falls back to the first combine (slots by invocation index) when
//     any subgroup is partial or the sizes differ.
// Both are below, between "// #combine <name>" and "// #end combine" lines. The host keeps the
// block of the combine it picked and drops the other (a module naming subgroup builtins compiles
// only with `enable subgroups;`, which only a device with the feature accepts); the blocks define
// the same Invocation, placeThread and scanExclusive.
//
// Reductions without float atomics: dB and dC sum over channels, dA, dD and dbias over batch and
// time. Each workgroup writes its partial sums into the workspace and small reduce kernels add the
// partials up, so no two invocations ever write one address.
//
// The host prepends `enable subgroups;` (with the subgroup combine), `const ITEMS: u32 = ...;`
// (steps per thread, sizes private arrays) and math.wgsl.

override THREADS: u32 = 64u;
override DELTA_SOFTPLUS: bool = true;
// reduceStateGrad writes dC (true) or dB (false).
override WHICH_C: bool = false;
// The forward starts from the state in work[w_init] (streaming a long sequence window by window)
// instead of zeros. Forward only: no backward entry point reads it.
override HAS_INITIAL: bool = false;
// The forward keeps y before the gate in work[w_pre] for the backward pass; off when there is none.
override KEEP_PRE: bool = true;

const FLAT: u32 = 64u; // workgroup size of the one-thread-per-element kernels

struct ScanParams {
  batch: u32,
  d_inner: u32,
  d_state: u32,
  seq_len: u32,
  chunk_len: u32, //    THREADS * ITEMS
  num_chunks: u32,
  group_size: u32, //   channels per workgroup in backwardParallel
  num_groups: u32,
  // Offsets into `work` (f32 elements); shapes in src/kernels/scan.ts (planScan).
  w_A: u32, //          (d_inner, d_state)
  w_D: u32, //          (d_inner)
  w_bias: u32, //       (d_inner)
  w_dlast: u32, //      (batch, d_inner, d_state)
  w_pre: u32, //        (batch, d_inner, L)  y before the gate, kept for dz
  w_dout: u32, //       (batch, d_inner, L)  dy·SiLU(z)
  w_states: u32, //     (batch, d_inner, d_state, num_chunks) state before each chunk
  w_totals: u32, //     2 x (batch, d_inner, d_state, num_chunks) each chunk's pair (a, b)
  w_carry: u32, //      (batch, d_inner, d_state, num_chunks) r handed into each chunk's last step
  w_part_A: u32, //     (num_parts, d_inner, d_state)
  w_part_D: u32, //     (num_parts, d_inner)
  w_part_bias: u32, //  (num_parts, d_inner)
  w_part_B: u32, //     (num_groups, batch, d_state, L)
  w_part_C: u32, //     (num_groups, batch, d_state, L)
  w_hist: u32, //       (batch, L) states of one (channel, state) pair, backwardSequential only
  num_parts: u32, //    batch * num_chunks
  w_init: u32, //       (batch, d_inner, d_state) the state before step 0, with HAS_INITIAL
  pad0: u32,
  pad1: u32,
  pad2: u32,
  // Element (b, c, t) of a strided tensor is at x + b·y + c·z + t·w.
  u_at: vec4<u32>,
  delta_at: vec4<u32>,
  z_at: vec4<u32>,
  y_at: vec4<u32>, //   also dy, and du, ddelta, dz follow u, delta, z
  B_at: vec4<u32>, //   c is the state index n
  C_at: vec4<u32>,
}

@group(0) @binding(0) var<uniform> sp: ScanParams;
@group(0) @binding(1) var<storage, read> u: array<f32>;
@group(0) @binding(2) var<storage, read> delta: array<f32>;
@group(0) @binding(3) var<storage, read> z: array<f32>;
@group(0) @binding(4) var<storage, read> Bm: array<f32>;
@group(0) @binding(5) var<storage, read> Cm: array<f32>;
@group(0) @binding(6) var<storage, read_write> y: array<f32>;
@group(0) @binding(7) var<storage, read_write> last_state: array<f32>;
@group(0) @binding(8) var<storage, read_write> work: array<f32>;
@group(0) @binding(9) var<storage, read> A_in: array<f32>;
@group(0) @binding(10) var<storage, read> D_in: array<f32>;
@group(0) @binding(11) var<storage, read> bias_in: array<f32>;
@group(0) @binding(12) var<storage, read> dlast_in: array<f32>;
@group(0) @binding(13) var<storage, read> dy: array<f32>;
@group(0) @binding(14) var<storage, read_write> du: array<f32>;
@group(0) @binding(15) var<storage, read_write> ddelta: array<f32>;
@group(0) @binding(16) var<storage, read_write> dz: array<f32>;
@group(0) @binding(17) var<storage, read_write> dA_out: array<f32>;
@group(0) @binding(18) var<storage, read_write> dD_out: array<f32>;
@group(0) @binding(19) var<storage, read_write> dbias_out: array<f32>;
@group(0) @binding(20) var<storage, read_write> dBC_out: array<f32>;
@group(0) @binding(21) var<storage, read_write> probe_out: array<f32>;
@group(0) @binding(22) var<uniform> pp: ProbeParams;

struct ProbeParams {
  sample: u32,
  pad0: u32,
  pad1: u32,
  pad2: u32,
}

var<workgroup> scan_a: array<f32, THREADS>;
var<workgroup> scan_b: array<f32, THREADS>;
var<workgroup> sum_buf: array<f32, THREADS>;

// ---------------------------------------------------------------- helpers

struct Pair {
  a: f32,
  b: f32,
}

const IDENTITY = Pair(1.0, 0.0);

/** `first` then `second`: x -> second.a·(first.a·x + first.b) + second.b. */
fn then_(first: Pair, second: Pair) -> Pair {
  return Pair(second.a * first.a, fma(second.a, first.b, second.b));
}

fn at(l: vec4<u32>, b: u32, c: u32, t: u32) -> u32 {
  return l.x + b * l.y + c * l.z + t * l.w;
}

fn rawDelta(b: u32, d: u32, t: u32) -> f32 {
  return delta[at(sp.delta_at, b, d, t)] + work[sp.w_bias + d];
}

/** Δ as the scan uses it. */
fn deltaOf(raw: f32) -> f32 {
  if (DELTA_SOFTPLUS) {
    return softplus_(raw);
  }
  return raw;
}

/** dΔ/d(delta). */
fn deltaGrad(raw: f32) -> f32 {
  if (DELTA_SOFTPLUS) {
    return softplus_grad(raw);
  }
  return 1.0;
}

/** (b, d, n) flattened, the index of per-state workspace arrays before their chunk axis. */
fn stateIndex(b: u32, d: u32, n: u32) -> u32 {
  return (b * sp.d_inner + d) * sp.d_state + n;
}

/** The state before step 0: zeros, or work[w_init] with HAS_INITIAL. */
fn initialState(s: u32) -> f32 {
  if (HAS_INITIAL) {
    return work[sp.w_init + s];
  }
  return 0.0;
}

/** (b, d, t) flattened, the index of the workspace's (batch, d_inner, L) arrays. */
fn seqIndex(b: u32, d: u32, t: u32) -> u32 {
  return (b * sp.d_inner + d) * sp.seq_len + t;
}

/**
 * The workgroup-memory combine: an exclusive scan of one pair per thread, giving the composition
 * of the runs in the slots before this one (after it, when `reverse`). Call from uniform control
 * flow; the arrays are free on return.
 */
fn scanInWorkgroupMemory(slot: u32, run: Pair, reverse: bool) -> Pair {
  let pos = select(slot, THREADS - 1u - slot, reverse);
  var mine = run;
  scan_a[pos] = mine.a;
  scan_b[pos] = mine.b;
  for (var offset = 1u; offset < THREADS; offset = offset * 2u) {
    workgroupBarrier();
    var earlier = IDENTITY;
    if (pos >= offset) {
      earlier = Pair(scan_a[pos - offset], scan_b[pos - offset]);
    }
    workgroupBarrier();
    mine = then_(earlier, mine);
    scan_a[pos] = mine.a;
    scan_b[pos] = mine.b;
  }
  workgroupBarrier();
  var before = IDENTITY;
  if (pos > 0u) {
    before = Pair(scan_a[pos - 1u], scan_b[pos - 1u]);
  }
  workgroupBarrier();
  return before;
}

// #combine subgroups

struct Invocation {
  @builtin(local_invocation_index) index: u32,
  @builtin(subgroup_invocation_id) lane: u32,
  @builtin(subgroup_size) lanes: u32,
}

var<workgroup> slots_taken: atomic<u32>;
// OR of every subgroup's size, plus PARTIAL when one is not full: a single bit set when all
// subgroups are full and of one size (sizes are powers of two).
var<workgroup> sizes_seen: atomic<u32>;
// That size when the subgroup combine applies, 0 for the workgroup-memory fallback.
var<workgroup> combine_width: u32;

const PARTIAL = 0x80000000u; // above any subgroup size

/**
 * This thread's slot. Each subgroup takes `lanes` consecutive slots from the counter, its lanes
 * in lane order. They are handed out from the top down: devices that form subgroups in invocation
 * order would otherwise give slot == local_invocation_index, and the tests would not notice an
 * entry point using the one for the other. Call first thing, from uniform control flow.
 */
fn placeThread(inv: Invocation) -> u32 {
  let count = subgroupAdd(1u);
  var taken = 0u;
  if (subgroupElect()) {
    taken = atomicAdd(&slots_taken, count);
    atomicOr(&sizes_seen, select(inv.lanes, inv.lanes | PARTIAL, count != inv.lanes));
  }
  let first = THREADS - subgroupBroadcastFirst(taken) - count;
  workgroupBarrier();
  if (inv.index == 0u) {
    let seen = atomicLoad(&sizes_seen);
    combine_width = select(0u, seen, countOneBits(seen) == 1u);
  }
  return select(first + inv.lane, inv.index, workgroupUniformLoad(&combine_width) == 0u);
}

/** `p` of the lane `delta` places earlier in the scan's order (an indeterminate value where there is none). */
fn shuffleEarlier(p: Pair, delta: u32, reverse: bool) -> Pair {
  if (reverse) {
    return Pair(subgroupShuffleDown(p.a, delta), subgroupShuffleDown(p.b, delta));
  }
  return Pair(subgroupShuffleUp(p.a, delta), subgroupShuffleUp(p.b, delta));
}

/**
 * Exclusive scan of one pair per thread: the composition of the runs in the slots before this one
 * (after it, when `reverse`). Within a subgroup through shuffles, across subgroups through their
 * totals in scan_a/scan_b: one barrier to publish them, one before the arrays are free again. The
 * width comes through workgroupUniformLoad (a barrier too) because the branch on it and the
 * shuffles in the loop it bounds need uniform control flow. Call from uniform control flow, with
 * the slot placeThread gave.
 */
fn scanExclusive(slot: u32, run: Pair, reverse: bool) -> Pair {
  let width = workgroupUniformLoad(&combine_width);
  if (width == 0u) {
    return scanInWorkgroupMemory(slot, run, reverse);
  }
  // Position in the scan's order. A subgroup holds `width` consecutive positions, a multiple of
  // `width` onwards, so the position within it follows the lane (reversed when `reverse`).
  let pos = select(slot, THREADS - 1u - slot, reverse);
  let rank = pos % width;
  var mine = run;
  for (var delta = 1u; delta < width; delta = delta * 2u) {
    let earlier = shuffleEarlier(mine, delta, reverse);
    if (rank >= delta) {
      mine = then_(earlier, mine);
    }
  }
  var before = shuffleEarlier(mine, 1u, reverse);
  if (rank == 0u) {
    before = IDENTITY;
  }
  if (rank == width - 1u) {
    scan_a[pos / width] = mine.a;
    scan_b[pos / width] = mine.b;
  }
  workgroupBarrier();
  var earlierGroups = IDENTITY;
  for (var k = 0u; k < pos / width; k++) {
    earlierGroups = then_(earlierGroups, Pair(scan_a[k], scan_b[k]));
  }
  workgroupBarrier();
  return then_(earlierGroups, before);
}

// #end combine
// #combine workgroup

struct Invocation {
  @builtin(local_invocation_index) index: u32,
}

/** This thread's slot: its invocation index. */
fn placeThread(inv: Invocation) -> u32 {
  return inv.index;
}

/**
 * Exclusive scan of one pair per thread: the composition of the runs in the slots before this one
 * (after it, when `reverse`). Call from uniform control flow; the arrays are free on return.
 */
fn scanExclusive(slot: u32, run: Pair, reverse: bool) -> Pair {
  return scanInWorkgroupMemory(slot, run, reverse);
}

// #end combine

/** Sum over the workgroup, returned to every thread. Call from uniform control flow. */
fn workgroupSum(lid: u32, v: f32) -> f32 {
  sum_buf[lid] = v;
  workgroupBarrier();
  var width = THREADS;
  while (width > 1u) {
    let half = (width + 1u) / 2u;
    if (lid < width - half) {
      sum_buf[lid] += sum_buf[lid + half];
    }
    workgroupBarrier();
    width = half;
  }
  let total = sum_buf[0];
  workgroupBarrier();
  return total;
}

/** Δ of the ITEMS steps of a thread's run from t0 (0 past the end: the identity step). */
fn runDelta(b: u32, d: u32, t0: u32) -> array<f32, ITEMS> {
  var dt: array<f32, ITEMS>;
  for (var i = 0u; i < ITEMS; i++) {
    dt[i] = 0.0;
    if (t0 + i < sp.seq_len) {
      dt[i] = deltaOf(rawDelta(b, d, t0 + i));
    }
  }
  return dt;
}

/** u of the ITEMS steps of a thread's run from t0 (0 past the end). */
fn runU(b: u32, d: u32, t0: u32) -> array<f32, ITEMS> {
  var ut: array<f32, ITEMS>;
  for (var i = 0u; i < ITEMS; i++) {
    ut[i] = 0.0;
    if (t0 + i < sp.seq_len) {
      ut[i] = u[at(sp.u_at, b, d, t0 + i)];
    }
  }
  return ut;
}

fn flatIndex(gid: vec3<u32>, groups: vec3<u32>) -> u32 {
  return gid.x + gid.y * groups.x * FLAT;
}

// ---------------------------------------------------------------- setup

/** Copies A, D and the Δ bias into the workspace (keeps the scan kernels within 8 storage bindings). */
@compute @workgroup_size(FLAT)
fn packParams(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = flatIndex(gid, groups);
  if (i < sp.d_inner * sp.d_state) {
    work[sp.w_A + i] = A_in[i];
  }
  if (i < sp.d_inner) {
    work[sp.w_D + i] = D_in[i];
    work[sp.w_bias + i] = bias_in[i];
  }
}

@compute @workgroup_size(FLAT)
fn packLastStateGrad(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = flatIndex(gid, groups);
  if (i < sp.batch * sp.d_inner * sp.d_state) {
    work[sp.w_dlast + i] = dlast_in[i];
  }
}

// ---------------------------------------------------------------- forward

/** The readable one: one thread per (batch, channel) walks the sequence; h lives in last_state. */
@compute @workgroup_size(FLAT)
fn forwardSequential(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = flatIndex(gid, groups);
  if (i >= sp.batch * sp.d_inner) {
    return;
  }
  let b = i / sp.d_inner;
  let d = i % sp.d_inner;
  let N = sp.d_state;
  for (var n = 0u; n < N; n++) {
    last_state[stateIndex(b, d, n)] = initialState(stateIndex(b, d, n));
  }
  for (var t = 0u; t < sp.seq_len; t++) {
    let dt = deltaOf(rawDelta(b, d, t));
    let ut = u[at(sp.u_at, b, d, t)];
    var out = work[sp.w_D + d] * ut;
    for (var n = 0u; n < N; n++) {
      let a = exp_(dt * work[sp.w_A + d * N + n]);
      let h = a * last_state[stateIndex(b, d, n)] + dt * Bm[at(sp.B_at, b, n, t)] * ut;
      last_state[stateIndex(b, d, n)] = h;
      out += Cm[at(sp.C_at, b, n, t)] * h;
    }
    if (KEEP_PRE) {
      work[sp.w_pre + seqIndex(b, d, t)] = out;
    }
    y[at(sp.y_at, b, d, t)] = out * silu_(z[at(sp.z_at, b, d, t)]);
  }
}

/** One step of the forward recurrence; a step past the end is the identity (Δ = 0). */
fn forwardStep(b: u32, d: u32, n: u32, t: u32, dt: f32, ut: f32) -> Pair {
  if (t >= sp.seq_len) {
    return IDENTITY;
  }
  let a = exp_(dt * work[sp.w_A + d * sp.d_state + n]);
  return Pair(a, dt * Bm[at(sp.B_at, b, n, t)] * ut);
}

/** Pass 1 of 3 for sequences over one chunk: every chunk's total pair, per (b, d, n). */
@compute @workgroup_size(THREADS)
fn chunkTotals(@builtin(workgroup_id) wg: vec3<u32>, inv: Invocation) {
  let slot = placeThread(inv);
  let chunk = wg.x;
  let d = wg.y;
  let b = wg.z;
  let t0 = chunk * sp.chunk_len + slot * ITEMS;
  let dt = runDelta(b, d, t0);
  let ut = runU(b, d, t0);
  for (var n = 0u; n < sp.d_state; n++) {
    var run = IDENTITY;
    for (var i = 0u; i < ITEMS; i++) {
      run = then_(run, forwardStep(b, d, n, t0 + i, dt[i], ut[i]));
    }
    let before = scanExclusive(slot, run, false);
    if (slot == THREADS - 1u) {
      let total = then_(before, run);
      let k = stateIndex(b, d, n) * sp.num_chunks + chunk;
      work[sp.w_totals + k] = total.a;
      work[sp.w_totals + sp.batch * sp.d_inner * sp.d_state * sp.num_chunks + k] = total.b;
    }
  }
}

/** Pass 2 of 3: the state before each chunk, a short serial scan over chunk totals. */
@compute @workgroup_size(FLAT)
fn chunkCarries(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let s = flatIndex(gid, groups);
  let states = sp.batch * sp.d_inner * sp.d_state;
  if (s >= states) {
    return;
  }
  var h = initialState(s);
  for (var k = 0u; k < sp.num_chunks; k++) {
    let i = s * sp.num_chunks + k;
    work[sp.w_states + i] = h;
    h = fma(work[sp.w_totals + i], h, work[sp.w_totals + states * sp.num_chunks + i]);
  }
}

/** Pass 3 of 3 (the only one for a single chunk): y and the last state, one workgroup per (chunk, d, b). */
@compute @workgroup_size(THREADS)
fn forwardParallel(@builtin(workgroup_id) wg: vec3<u32>, inv: Invocation) {
  let slot = placeThread(inv);
  let chunk = wg.x;
  let d = wg.y;
  let b = wg.z;
  let t0 = chunk * sp.chunk_len + slot * ITEMS;
  let dt = runDelta(b, d, t0);
  let ut = runU(b, d, t0);
  var out: array<f32, ITEMS>;
  for (var i = 0u; i < ITEMS; i++) {
    out[i] = work[sp.w_D + d] * ut[i];
  }
  for (var n = 0u; n < sp.d_state; n++) {
    var steps: array<Pair, ITEMS>;
    var run = IDENTITY;
    for (var i = 0u; i < ITEMS; i++) {
      steps[i] = forwardStep(b, d, n, t0 + i, dt[i], ut[i]);
      run = then_(run, steps[i]);
    }
    let before = scanExclusive(slot, run, false);
    var h = initialState(stateIndex(b, d, n));
    if (chunk > 0u) {
      h = work[sp.w_states + stateIndex(b, d, n) * sp.num_chunks + chunk];
    }
    h = fma(before.a, h, before.b);
    for (var i = 0u; i < ITEMS; i++) {
      h = fma(steps[i].a, h, steps[i].b);
      if (t0 + i < sp.seq_len) {
        out[i] += Cm[at(sp.C_at, b, n, t0 + i)] * h;
      }
    }
    // Steps past the end are the identity, so the thread in the chunk's last slot ends on the final state.
    if (chunk == sp.num_chunks - 1u && slot == THREADS - 1u) {
      last_state[stateIndex(b, d, n)] = h;
    }
  }
  for (var i = 0u; i < ITEMS; i++) {
    let t = t0 + i;
    if (t < sp.seq_len) {
      if (KEEP_PRE) {
        work[sp.w_pre + seqIndex(b, d, t)] = out[i];
      }
      y[at(sp.y_at, b, d, t)] = out[i] * silu_(z[at(sp.z_at, b, d, t)]);
    }
  }
}

// ---------------------------------------------------------------- backward

/** The gate, elementwise: dz, dout = dy·SiLU(z) for the scan, and du's skip term dout·D. */
@compute @workgroup_size(FLAT)
fn gateBackward(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = flatIndex(gid, groups);
  if (i >= sp.batch * sp.d_inner * sp.seq_len) {
    return;
  }
  let t = i % sp.seq_len;
  let d = (i / sp.seq_len) % sp.d_inner;
  let b = i / (sp.seq_len * sp.d_inner);
  let g = dy[at(sp.y_at, b, d, t)];
  let zt = z[at(sp.z_at, b, d, t)];
  let dout = g * silu_(zt);
  work[sp.w_dout + i] = dout;
  dz[at(sp.z_at, b, d, t)] = g * work[sp.w_pre + i] * silu_grad(zt);
  du[at(sp.u_at, b, d, t)] = dout * work[sp.w_D + d];
}

/** The readable one: one thread per batch row walks every (channel, state) pair backwards. */
@compute @workgroup_size(FLAT)
fn backwardSequential(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let b = flatIndex(gid, groups);
  if (b >= sp.batch) {
    return;
  }
  let N = sp.d_state;
  let L = sp.seq_len;
  for (var d = 0u; d < sp.d_inner; d++) {
    for (var n = 0u; n < N; n++) {
      let An = work[sp.w_A + d * N + n];
      // Forward again, keeping this pair's states in the (batch, L) history.
      var h = 0.0;
      for (var t = 0u; t < L; t++) {
        let dt = deltaOf(rawDelta(b, d, t));
        h = exp_(dt * An) * h + dt * Bm[at(sp.B_at, b, n, t)] * u[at(sp.u_at, b, d, t)];
        work[sp.w_hist + b * L + t] = h;
      }
      var r = work[sp.w_dlast + stateIndex(b, d, n)];
      var dA = 0.0;
      for (var tt = L; tt > 0u; tt--) {
        let t = tt - 1u;
        let raw = rawDelta(b, d, t);
        let dt = deltaOf(raw);
        let a = exp_(dt * An);
        let ut = u[at(sp.u_at, b, d, t)];
        let Bt = Bm[at(sp.B_at, b, n, t)];
        let dout = work[sp.w_dout + seqIndex(b, d, t)];
        let g = dout * Cm[at(sp.C_at, b, n, t)] + r; // ∂loss/∂h_t
        var hPrev = 0.0;
        if (t > 0u) {
          hPrev = work[sp.w_hist + b * L + t - 1u];
        }
        let bnt = (b * N + n) * L + t;
        let dBt = g * dt * ut;
        let dCt = dout * work[sp.w_hist + b * L + t];
        if (d == 0u) {
          work[sp.w_part_B + bnt] = dBt;
          work[sp.w_part_C + bnt] = dCt;
        } else {
          work[sp.w_part_B + bnt] += dBt;
          work[sp.w_part_C + bnt] += dCt;
        }
        du[at(sp.u_at, b, d, t)] += g * dt * Bt;
        let ddt = g * (hPrev * a * An + Bt * ut) * deltaGrad(raw);
        if (n == 0u) {
          ddelta[at(sp.delta_at, b, d, t)] = ddt;
        } else {
          ddelta[at(sp.delta_at, b, d, t)] += ddt;
        }
        dA += g * hPrev * a * dt;
        r = a * g;
      }
      work[sp.w_part_A + stateIndex(b, d, n)] = dA;
    }
    var dD = 0.0;
    var dbias = 0.0;
    for (var t = 0u; t < L; t++) {
      dD += work[sp.w_dout + seqIndex(b, d, t)] * u[at(sp.u_at, b, d, t)];
      dbias += ddelta[at(sp.delta_at, b, d, t)];
    }
    work[sp.w_part_D + b * sp.d_inner + d] = dD;
    work[sp.w_part_bias + b * sp.d_inner + d] = dbias;
  }
}

/** One step of the backward recurrence r_t = a_t·r_{t+1} + a_t·dout_t·C_t; identity past the end. */
fn backwardStep(a: f32, c: f32) -> Pair {
  return Pair(a, a * c);
}

/** Pass 1 of 3 backwards: every chunk's total pair of the reverse recurrence. */
@compute @workgroup_size(THREADS)
fn chunkTotalsBackward(@builtin(workgroup_id) wg: vec3<u32>, inv: Invocation) {
  let slot = placeThread(inv);
  let chunk = wg.x;
  let d = wg.y;
  let b = wg.z;
  let t0 = chunk * sp.chunk_len + slot * ITEMS;
  let dt = runDelta(b, d, t0);
  var dout: array<f32, ITEMS>;
  for (var i = 0u; i < ITEMS; i++) {
    dout[i] = 0.0;
    if (t0 + i < sp.seq_len) {
      dout[i] = work[sp.w_dout + seqIndex(b, d, t0 + i)];
    }
  }
  for (var n = 0u; n < sp.d_state; n++) {
    let An = work[sp.w_A + d * sp.d_state + n];
    var run = IDENTITY;
    for (var ii = ITEMS; ii > 0u; ii--) {
      let i = ii - 1u;
      var c = 0.0;
      if (t0 + i < sp.seq_len) {
        c = dout[i] * Cm[at(sp.C_at, b, n, t0 + i)];
      }
      run = then_(run, backwardStep(exp_(dt[i] * An), c));
    }
    let after = scanExclusive(slot, run, true);
    if (slot == 0u) {
      let total = then_(after, run);
      let k = stateIndex(b, d, n) * sp.num_chunks + chunk;
      work[sp.w_totals + k] = total.a;
      work[sp.w_totals + sp.batch * sp.d_inner * sp.d_state * sp.num_chunks + k] = total.b;
    }
  }
}

/** Pass 2 of 3 backwards: what the future hands into each chunk's last step, from the last chunk down. */
@compute @workgroup_size(FLAT)
fn chunkCarriesBackward(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let s = flatIndex(gid, groups);
  let states = sp.batch * sp.d_inner * sp.d_state;
  if (s >= states) {
    return;
  }
  var r = work[sp.w_dlast + s];
  for (var kk = sp.num_chunks; kk > 0u; kk--) {
    let i = s * sp.num_chunks + kk - 1u;
    work[sp.w_carry + i] = r;
    r = fma(work[sp.w_totals + i], r, work[sp.w_totals + states * sp.num_chunks + i]);
  }
}

/**
 * Pass 3 of 3 backwards: one workgroup per (chunk, channel group, b). For every state n and
 * channel d of the group it recomputes the chunk's states from the stored chunk start, runs the
 * reverse scan, and accumulates: du and ddelta in place (this thread owns those elements), dB and
 * dC over the group's channels in registers, dA, dD and dbias as per-workgroup partial sums.
 */
@compute @workgroup_size(THREADS)
fn backwardParallel(@builtin(workgroup_id) wg: vec3<u32>, inv: Invocation) {
  let slot = placeThread(inv);
  let chunk = wg.x;
  let group = wg.y;
  let b = wg.z;
  let N = sp.d_state;
  let t0 = chunk * sp.chunk_len + slot * ITEMS;
  let d0 = group * sp.group_size;
  let d1 = min(d0 + sp.group_size, sp.d_inner);
  let part = b * sp.num_chunks + chunk;
  for (var n = 0u; n < N; n++) {
    var dB: array<f32, ITEMS>;
    var dC: array<f32, ITEMS>;
    for (var i = 0u; i < ITEMS; i++) {
      dB[i] = 0.0;
      dC[i] = 0.0;
    }
    for (var d = d0; d < d1; d++) {
      let An = work[sp.w_A + d * N + n];
      var raw: array<f32, ITEMS>;
      var dt: array<f32, ITEMS>;
      var ut: array<f32, ITEMS>;
      var Bt: array<f32, ITEMS>;
      var dout: array<f32, ITEMS>;
      var c: array<f32, ITEMS>;
      var steps: array<Pair, ITEMS>;
      var run = IDENTITY;
      for (var i = 0u; i < ITEMS; i++) {
        let t = t0 + i;
        raw[i] = 0.0;
        dt[i] = 0.0;
        ut[i] = 0.0;
        Bt[i] = 0.0;
        dout[i] = 0.0;
        c[i] = 0.0;
        if (t < sp.seq_len) {
          raw[i] = rawDelta(b, d, t);
          dt[i] = deltaOf(raw[i]);
          ut[i] = u[at(sp.u_at, b, d, t)];
          Bt[i] = Bm[at(sp.B_at, b, n, t)];
          dout[i] = work[sp.w_dout + seqIndex(b, d, t)];
          c[i] = dout[i] * Cm[at(sp.C_at, b, n, t)];
        }
        steps[i] = Pair(exp_(dt[i] * An), dt[i] * Bt[i] * ut[i]);
        run = then_(run, steps[i]);
      }
      // Forward within the chunk, from the stored chunk-start state.
      let before = scanExclusive(slot, run, false);
      var h = 0.0;
      if (chunk > 0u) {
        h = work[sp.w_states + stateIndex(b, d, n) * sp.num_chunks + chunk];
      }
      h = fma(before.a, h, before.b);
      var hPrev: array<f32, ITEMS>;
      for (var i = 0u; i < ITEMS; i++) {
        hPrev[i] = h;
        h = fma(steps[i].a, h, steps[i].b);
      }
      // Backward within the chunk, from what the later chunks hand in.
      var runBack = IDENTITY;
      for (var ii = ITEMS; ii > 0u; ii--) {
        runBack = then_(runBack, backwardStep(steps[ii - 1u].a, c[ii - 1u]));
      }
      let after = scanExclusive(slot, runBack, true);
      var r = work[sp.w_dlast + stateIndex(b, d, n)];
      if (chunk < sp.num_chunks - 1u) {
        r = work[sp.w_carry + stateIndex(b, d, n) * sp.num_chunks + chunk];
      }
      r = fma(after.a, r, after.b);
      var dA = 0.0;
      for (var ii = ITEMS; ii > 0u; ii--) {
        let i = ii - 1u;
        let t = t0 + i;
        let g = c[i] + r; // ∂loss/∂h_t
        let a = steps[i].a;
        if (t < sp.seq_len) {
          dB[i] += g * dt[i] * ut[i];
          dC[i] += dout[i] * fma(a, hPrev[i], steps[i].b);
          du[at(sp.u_at, b, d, t)] += g * dt[i] * Bt[i];
          let ddt = g * (hPrev[i] * a * An + Bt[i] * ut[i]) * deltaGrad(raw[i]);
          if (n == 0u) {
            ddelta[at(sp.delta_at, b, d, t)] = ddt;
          } else {
            ddelta[at(sp.delta_at, b, d, t)] += ddt;
          }
          dA += g * hPrev[i] * a * dt[i];
        }
        r = a * g;
      }
      let total = workgroupSum(inv.index, dA);
      if (inv.index == 0u) {
        work[sp.w_part_A + (part * sp.d_inner + d) * N + n] = total;
      }
    }
    for (var i = 0u; i < ITEMS; i++) {
      let t = t0 + i;
      if (t < sp.seq_len) {
        let bnt = ((group * sp.batch + b) * N + n) * sp.seq_len + t;
        work[sp.w_part_B + bnt] = dB[i];
        work[sp.w_part_C + bnt] = dC[i];
      }
    }
  }
  // Per-channel sums over this chunk: dD = Σ dout·u, dbias = Σ ddelta.
  for (var d = d0; d < d1; d++) {
    var dD = 0.0;
    var dbias = 0.0;
    for (var i = 0u; i < ITEMS; i++) {
      let t = t0 + i;
      if (t < sp.seq_len) {
        dD += work[sp.w_dout + seqIndex(b, d, t)] * u[at(sp.u_at, b, d, t)];
        dbias += ddelta[at(sp.delta_at, b, d, t)];
      }
    }
    let totalD = workgroupSum(inv.index, dD);
    let totalBias = workgroupSum(inv.index, dbias);
    if (inv.index == 0u) {
      work[sp.w_part_D + part * sp.d_inner + d] = totalD;
      work[sp.w_part_bias + part * sp.d_inner + d] = totalBias;
    }
  }
}

/** dB (or dC, WHICH_C) = Σ over channel groups of the partials; one thread per (b, n, t). */
@compute @workgroup_size(FLAT)
fn reduceStateGrad(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = flatIndex(gid, groups);
  let count = sp.batch * sp.d_state * sp.seq_len;
  if (i >= count) {
    return;
  }
  let t = i % sp.seq_len;
  let n = (i / sp.seq_len) % sp.d_state;
  let b = i / (sp.seq_len * sp.d_state);
  let base = select(sp.w_part_B, sp.w_part_C, WHICH_C);
  var s = 0.0;
  for (var g = 0u; g < sp.num_groups; g++) {
    s += work[base + g * count + i];
  }
  dBC_out[at(select(sp.B_at, sp.C_at, WHICH_C), b, n, t)] = s;
}

/** dA, dD and dbias = Σ over (batch, chunk) partials; one thread per (d, n). */
@compute @workgroup_size(FLAT)
fn reduceParamGrads(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = flatIndex(gid, groups);
  if (i >= sp.d_inner * sp.d_state) {
    return;
  }
  let d = i / sp.d_state;
  let n = i % sp.d_state;
  var sA = 0.0;
  for (var p = 0u; p < sp.num_parts; p++) {
    sA += work[sp.w_part_A + p * sp.d_inner * sp.d_state + i];
  }
  dA_out[i] = sA;
  if (n == 0u) {
    var sD = 0.0;
    var sBias = 0.0;
    for (var p = 0u; p < sp.num_parts; p++) {
      sD += work[sp.w_part_D + p * sp.d_inner + d];
      sBias += work[sp.w_part_bias + p * sp.d_inner + d];
    }
    dD_out[d] = sD;
    dbias_out[d] = sBias;
  }
}

// ---------------------------------------------------------------- probe

/**
 * For the UI: ‖h_t[d, :]‖, the norm over the state index of channel d's state after step t, for
 * one sample (pp.sample), into probe_out as (L, d_inner). It reruns the recurrence from the
 * forward's inputs (one thread per channel, state by state, squares summed in place), since the
 * parallel forward never holds a state per step.
 */
@compute @workgroup_size(FLAT)
fn stateNormProbe(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let d = flatIndex(gid, groups);
  if (d >= sp.d_inner) {
    return;
  }
  let b = pp.sample;
  let E = sp.d_inner;
  for (var t = 0u; t < sp.seq_len; t++) {
    probe_out[t * E + d] = 0.0;
  }
  for (var n = 0u; n < sp.d_state; n++) {
    var h = initialState(stateIndex(b, d, n));
    let A = work[sp.w_A + d * sp.d_state + n];
    for (var t = 0u; t < sp.seq_len; t++) {
      let dt = deltaOf(rawDelta(b, d, t));
      h = fma(exp_(dt * A), h, dt * Bm[at(sp.B_at, b, n, t)] * u[at(sp.u_at, b, d, t)]);
      probe_out[t * E + d] += h * h;
    }
  }
  for (var t = 0u; t < sp.seq_len; t++) {
    probe_out[t * E + d] = sqrt(probe_out[t * E + d]);
  }
}

// ---------------------------------------------------------------- linear recurrence
//
// The same scan for a plain diagonal linear recurrence with no parameters of its own, over
// `channels` independent sequences stored time-major, (T, channels):
//
//   forward  h_t = a_t·h_{t-1} + b_t,              h_{-1} = init           (minGRU, minLSTM)
//   ADJOINT  g_t = b_t + a_{t+1}·g_{t+1},          g_T = init, a_T = 1     its backward: with
//            b = ∂L/∂h_t from above and init = ∂L/∂h_{T-1} from after the sequence, g_t is ∂L/∂h_t
//            in total (then ∂L/∂a_t = g_t·h_{t-1}, ∂L/∂b_t = g_t, ∂L/∂h_{-1} = a_0·g_0)
//
// Both run over positions p = 0..T-1 in the order of the recurrence (the adjoint's position p is
// time T-1-p), so one set of entry points serves both. Pairs and chunks are the selective scan's:
// linearChunkTotals, linearChunkCarries and linearScanParallel are chunkTotals, chunkCarries and
// forwardParallel with one sequence per channel. linearScanSequential is the readable version,
// one thread per channel, over a range of positions so that BPTT can be walked a step at a time:
// it starts from init at position 0 and from its own output at the position before otherwise.
// Host side: src/kernels/linearScan.ts. Bindings 23.. (and the workspace, 8) are its own.

// The backward recurrence (see above) instead of the forward one.
override ADJOINT: bool = false;

struct LinearScanParams {
  channels: u32,
  seq_len: u32,
  chunk_len: u32, //   THREADS * ITEMS
  num_chunks: u32,
  grid_y: u32, //      workgroups along y of the (chunk, channel) grids: channel = wg.y + wg.z·grid_y
  w_totals: u32, //    2 x (channels, num_chunks) each chunk's pair (a, b)
  w_starts: u32, //    (channels, num_chunks) the state before each chunk
  p_begin: u32, //     linearScanSequential: positions [p_begin, p_begin + p_count)
  p_count: u32,
  pad0: u32,
  pad1: u32,
  pad2: u32,
}

@group(0) @binding(23) var<uniform> lp: LinearScanParams;
@group(0) @binding(24) var<storage, read> lin_a: array<f32>; //           (T, channels)
@group(0) @binding(25) var<storage, read> lin_b: array<f32>; //           (T, channels)
@group(0) @binding(26) var<storage, read> lin_init: array<f32>; //        (channels)
@group(0) @binding(27) var<storage, read_write> lin_out: array<f32>; //   (T, channels) h, or g (ADJOINT)

fn linearTime(p: u32) -> u32 {
  return select(p, lp.seq_len - 1u - p, ADJOINT);
}

/** The step at position p of channel c as a pair; the identity past the end. */
fn linearStep(p: u32, c: u32) -> Pair {
  if (p >= lp.seq_len) {
    return IDENTITY;
  }
  let t = linearTime(p);
  var a = 1.0;
  if (!ADJOINT) {
    a = lin_a[t * lp.channels + c];
  } else if (t + 1u < lp.seq_len) {
    a = lin_a[(t + 1u) * lp.channels + c];
  }
  return Pair(a, lin_b[t * lp.channels + c]);
}

fn linearChannel(wg: vec3<u32>) -> u32 {
  return wg.y + wg.z * lp.grid_y;
}

/** A thread's run: its ITEMS steps from position p0 of channel c, and their composition in order. */
struct LinearRun {
  steps: array<Pair, ITEMS>,
  total: Pair,
}

fn linearRun(p0: u32, c: u32) -> LinearRun {
  var run: LinearRun;
  run.total = IDENTITY;
  for (var i = 0u; i < ITEMS; i++) {
    run.steps[i] = linearStep(p0 + i, c);
    run.total = then_(run.total, run.steps[i]);
  }
  return run;
}

/** Pass 1 of 3: every chunk's total pair, one workgroup per (chunk, channel). */
@compute @workgroup_size(THREADS)
fn linearChunkTotals(@builtin(workgroup_id) wg: vec3<u32>, inv: Invocation) {
  let slot = placeThread(inv);
  let c = linearChannel(wg);
  if (c >= lp.channels) {
    return;
  }
  let chunk = wg.x;
  let run = linearRun(chunk * lp.chunk_len + slot * ITEMS, c).total;
  let before = scanExclusive(slot, run, false);
  if (slot == THREADS - 1u) {
    let total = then_(before, run);
    let k = c * lp.num_chunks + chunk;
    work[lp.w_totals + k] = total.a;
    work[lp.w_totals + lp.channels * lp.num_chunks + k] = total.b;
  }
}

/** Pass 2 of 3: the state before each chunk, a short serial scan over the chunk totals. */
@compute @workgroup_size(FLAT)
fn linearChunkCarries(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let c = flatIndex(gid, groups);
  if (c >= lp.channels) {
    return;
  }
  var h = lin_init[c];
  for (var k = 0u; k < lp.num_chunks; k++) {
    let i = c * lp.num_chunks + k;
    work[lp.w_starts + i] = h;
    h = fma(work[lp.w_totals + i], h, work[lp.w_totals + lp.channels * lp.num_chunks + i]);
  }
}

/** Pass 3 of 3 (the only one for a single chunk): every state, one workgroup per (chunk, channel). */
@compute @workgroup_size(THREADS)
fn linearScanParallel(@builtin(workgroup_id) wg: vec3<u32>, inv: Invocation) {
  let slot = placeThread(inv);
  let c = linearChannel(wg);
  if (c >= lp.channels) {
    return;
  }
  let chunk = wg.x;
  let p0 = chunk * lp.chunk_len + slot * ITEMS;
  let run = linearRun(p0, c);
  let before = scanExclusive(slot, run.total, false);
  var h = lin_init[c];
  if (chunk > 0u) {
    h = work[lp.w_starts + c * lp.num_chunks + chunk];
  }
  h = fma(before.a, h, before.b);
  for (var i = 0u; i < ITEMS; i++) {
    h = fma(run.steps[i].a, h, run.steps[i].b);
    if (p0 + i < lp.seq_len) {
      lin_out[linearTime(p0 + i) * lp.channels + c] = h;
    }
  }
}

/** The readable one: one thread per channel walks positions [p_begin, p_begin + p_count). */
@compute @workgroup_size(FLAT)
fn linearScanSequential(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let c = flatIndex(gid, groups);
  if (c >= lp.channels) {
    return;
  }
  var h = lin_init[c];
  if (lp.p_begin > 0u) {
    h = lin_out[linearTime(lp.p_begin - 1u) * lp.channels + c];
  }
  for (var p = lp.p_begin; p < lp.p_begin + lp.p_count; p++) {
    let s = linearStep(p, c);
    h = fma(s.a, h, s.b);
    lin_out[linearTime(p) * lp.channels + c] = h;
  }
}
