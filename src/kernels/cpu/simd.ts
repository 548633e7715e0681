// The CPU backend's matrix product in WebAssembly with SIMD: wasm/gemm.ts, built into ./gemmWasm.ts
// by scripts/build-wasm.mjs. The twins copy their operands into the module's memory (an `area`),
// run `gemm` there and copy the product out; the copies are linear in the operands, the product
// is not, and the SIMD product runs 10x and more faster than the plain loops of ./axpy.ts (float32
// sums, as the WGSL kernels have them). Where WebAssembly or its SIMD is missing (or
// TIMESTEP_CPU_SIMD=off in Node, for the tests of the plain loops), simdGemm() is null and the
// twins run ./axpy.ts.

import { GEMM_WASM_BASE64 } from './gemmWasm';

interface GemmExports {
  memory: WebAssembly.Memory;
  gemm(a: number, sm: number, sk: number, b: number, c: number, M: number, N: number, K: number): void;
}

/** Where the operands go in the module's memory: element offsets into `heap` (valid until the next `area`). */
export interface GemmArea {
  heap: Float32Array;
  a: number;
  b: number;
  c: number;
}

const ALIGN = 4; // floats: every operand starts on 16 bytes

const up = (n: number) => Math.ceil(n / ALIGN) * ALIGN;

export class Gemm {
  private heap: Float32Array;

  constructor(private readonly exports: GemmExports) {
    this.heap = new Float32Array(exports.memory.buffer);
  }

  /** Room for A (aLen floats), B and C; the memory grows when it must (the earlier contents stay). */
  area(aLen: number, bLen: number, cLen: number): GemmArea {
    const a = ALIGN; // address 0 stays unused
    const b = a + up(aLen);
    const c = b + up(bLen);
    const bytes = (c + up(cLen)) * 4;
    const memory = this.exports.memory;
    if (memory.buffer.byteLength < bytes) memory.grow(Math.ceil((bytes - memory.buffer.byteLength) / 65536));
    if (this.heap.buffer !== memory.buffer) this.heap = new Float32Array(memory.buffer);
    return { heap: this.heap, a, b, c };
  }

  /**
   * C (M × N, at area.c, row-major) = A·B with A(m, k) at area.a + m·sm + k·sk and B (K × N) at
   * area.b, row-major.
   */
  run(area: GemmArea, sm: number, sk: number, M: number, N: number, K: number): void {
    this.exports.gemm(area.a * 4, sm, sk, area.b * 4, area.c * 4, M, N, K);
  }
}

let instance: Gemm | null | undefined;

function disabled(): boolean {
  return typeof process !== 'undefined' && process.env?.TIMESTEP_CPU_SIMD === 'off';
}

function bytesOf(base64: string): Uint8Array<ArrayBuffer> {
  const text = atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/** The SIMD matrix product, made once; null where this runtime cannot run it. */
export function simdGemm(): Gemm | null {
  if (instance !== undefined) return instance;
  instance = null;
  if (disabled() || typeof WebAssembly === 'undefined') return instance;
  try {
    const bytes = bytesOf(GEMM_WASM_BASE64);
    if (!WebAssembly.validate(bytes)) return instance; // no SIMD in this engine
    const module = new WebAssembly.Module(bytes);
    const abort = () => {
      throw new Error('gemm: the WebAssembly module aborted');
    };
    instance = new Gemm(new WebAssembly.Instance(module, { env: { abort } }).exports as unknown as GemmExports);
  } catch {
    instance = null;
  }
  return instance;
}

/** Which matrix product the CPU backend runs, in words (the GPU panel, bench notes). */
export function cpuProductName(): string {
  return simdGemm() ? 'WebAssembly SIMD' : 'JavaScript loops';
}

/**
 * A right-hand matrix R (K × N, row-major) held in the module's memory while rows of A come and go
 * (a recurrence multiplies the same W_hh at every step): `times` gives A·R for `rows` rows of A.
 */
export class FixedRight {
  private area: GemmArea;

  constructor(
    private readonly gemm: Gemm,
    right: Float32Array,
    private readonly K: number,
    private readonly N: number,
    maxRows: number,
  ) {
    this.area = gemm.area(maxRows * K, K * N, maxRows * N);
    this.area.heap.set(right.subarray(0, K * N), this.area.b);
  }

  /** (rows × N, row-major; a view valid until the next call) = rows × K of `a` from `at` (row-major) · R. */
  times(a: Float32Array | Float64Array, at: number, rows: number): Float32Array {
    const { heap } = this.area;
    heap.set(a.subarray(at, at + rows * this.K), this.area.a);
    this.gemm.run(this.area, this.K, 1, rows, this.N, this.K);
    return heap.subarray(this.area.c, this.area.c + rows * this.N);
  }
}
