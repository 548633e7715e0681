// The CPU backend's WebAssembly with SIMD: wasm/cpu.ts (the matrix product, the selective scan),
// built into ./cpuWasm.ts by scripts/build-wasm.mjs. The twins copy their operands into the
// module's memory (an `area`), run a kernel there and copy the results out; the copies are linear
// in the operands, the work is not, and the SIMD matrix product runs 10x and more faster than the
// plain loops of ./axpy.ts (float32 sums, as the WGSL kernels have them). Where WebAssembly or its
// SIMD is missing (or TIMESTEP_CPU_SIMD=off in Node, for the tests of the plain loops), cpuWasm()
// is null and the twins run in JavaScript. A browser's main thread compiles only small modules
// synchronously: there, loadCpuWasm() (asynchronous) first; a worker or Node needs nothing first.

import { CPU_WASM_BASE64 } from './cpuWasm';

interface CpuWasmExports {
  memory: WebAssembly.Memory;
  gemm(a: number, sm: number, sk: number, b: number, c: number, M: number, N: number, K: number): void;
  scanForward(dt: number, u: number, A: number, B: number, C: number, h: number, out: number, E: number, L: number, NP: number): void;
  scanBackward(dt: number, u: number, A: number, B: number, C: number, dout: number, h: number, r: number, dB: number, dC: number, dA: number, du: number, ddt: number, keptA: number, keptH: number, E: number, L: number, NP: number): void;
  expBlock(x: number, out: number, n: number): void;
}

const ALIGN = 4; // floats: every array starts on 16 bytes

const up = (n: number) => Math.ceil(n / ALIGN) * ALIGN;

/** The module: its memory as floats, and its kernels taking float offsets into it. */
export class CpuWasm {
  private floats: Float32Array;

  constructor(readonly exports: CpuWasmExports) {
    this.floats = new Float32Array(exports.memory.buffer);
  }

  /**
   * Room for arrays of these lengths (floats), one after another from the start of the memory,
   * which grows when it must (earlier contents stay); their offsets. A later reserve reuses the
   * same room: what one twin keeps there lasts until the next twin reserves.
   */
  reserve(lengths: readonly number[]): number[] {
    const offsets: number[] = [];
    let at = ALIGN; // address 0 stays unused
    for (const n of lengths) {
      offsets.push(at);
      at += up(n);
    }
    const memory = this.exports.memory;
    if (memory.buffer.byteLength < at * 4) memory.grow(Math.ceil((at * 4 - memory.buffer.byteLength) / 65536));
    return offsets;
  }

  /** The memory as floats (a new view after the memory grew). */
  get heap(): Float32Array {
    if (this.floats.buffer !== this.exports.memory.buffer) this.floats = new Float32Array(this.exports.memory.buffer);
    return this.floats;
  }
}

/** Where a product's operands go in the module's memory: float offsets into `heap` (valid until the next `area`). */
export interface GemmArea {
  heap: Float32Array;
  a: number;
  b: number;
  c: number;
}

export class Gemm {
  constructor(private readonly wasm: CpuWasm) {}

  /** Room for A (aLen floats), B and C. */
  area(aLen: number, bLen: number, cLen: number): GemmArea {
    const [a, b, c] = this.wasm.reserve([aLen, bLen, cLen]);
    return { heap: this.wasm.heap, a, b, c };
  }

  /**
   * C (M × N, at area.c, row-major) = A·B with A(m, k) at area.a + m·sm + k·sk and B (K × N) at
   * area.b, row-major.
   */
  run(area: GemmArea, sm: number, sk: number, M: number, N: number, K: number): void {
    this.wasm.exports.gemm(area.a * 4, sm, sk, area.b * 4, area.c * 4, M, N, K);
  }
}

let instance: CpuWasm | null | undefined;

function disabled(): boolean {
  return typeof process !== 'undefined' && process.env?.TIMESTEP_CPU_SIMD === 'off';
}

function bytesOf(base64: string): Uint8Array<ArrayBuffer> {
  const text = atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

const IMPORTS = {
  env: {
    abort: () => {
      throw new Error('the CPU backend\'s WebAssembly module aborted');
    },
  },
};

function usable(): Uint8Array<ArrayBuffer> | null {
  if (disabled() || typeof WebAssembly === 'undefined') return null;
  const bytes = bytesOf(CPU_WASM_BASE64);
  return WebAssembly.validate(bytes) ? bytes : null; // false: no SIMD in this engine
}

/** Compiles and instantiates the module without blocking (a browser's main thread needs this before cpuWasm()). */
export async function loadCpuWasm(): Promise<void> {
  if (instance) return;
  const bytes = usable();
  if (!bytes) return;
  try {
    const made = await WebAssembly.instantiate(bytes, IMPORTS);
    instance = new CpuWasm(made.instance.exports as unknown as CpuWasmExports);
  } catch {
    // the plain loops run
  }
}

/** The module, made once (synchronously where it is not made yet); null where this runtime cannot run it. */
export function cpuWasm(): CpuWasm | null {
  if (instance !== undefined) return instance;
  const bytes = usable();
  try {
    instance = bytes ? new CpuWasm(new WebAssembly.Instance(new WebAssembly.Module(bytes), IMPORTS).exports as unknown as CpuWasmExports) : null;
  } catch {
    instance = null; // a main thread refusing to compile synchronously: loadCpuWasm() first
  }
  return instance;
}

let gemmOf: Gemm | null = null;

/** The SIMD matrix product; null where this runtime cannot run it. */
export function simdGemm(): Gemm | null {
  const wasm = cpuWasm();
  if (!wasm) return null;
  if (!gemmOf) gemmOf = new Gemm(wasm);
  return gemmOf;
}

/** What the CPU backend's matrix products and scan run as, in words (the GPU panel). */
export function cpuProductName(): string {
  return cpuWasm() ? 'WebAssembly SIMD' : 'JavaScript loops';
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
