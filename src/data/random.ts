// A small seeded generator (mulberry32 + Box-Muller): same seed, same data and same initial
// weights, in the browser, the worker and the tests.

export class Random {
  private state: number;
  private spare: number | null = null;

  constructor(seed: number) {
    this.state = (seed >>> 0) ^ 0x9e3779b9;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Where the sequence stands, to carry on from later (a saved run): setState(getState()) changes nothing. */
  getState(): RandomState {
    return { state: this.state, spare: this.spare };
  }

  setState(saved: RandomState): void {
    this.state = saved.state >>> 0;
    this.spare = saved.spare;
  }

  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  normal(): number {
    if (this.spare !== null) {
      const s = this.spare;
      this.spare = null;
      return s;
    }
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  uniformArray(n: number, lo: number, hi: number): Float64Array {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = this.uniform(lo, hi);
    return out;
  }

  normalArray(n: number, scale = 1): Float64Array {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = this.normal() * scale;
    return out;
  }
}

/** A generator's position in its sequence (plain data: it goes into IndexedDB). */
export interface RandomState {
  state: number;
  /** The second normal of the last Box-Muller pair, not handed out yet. */
  spare: number | null;
}

/** Rounds to float32 values, so a GPU holds the same numbers the float64 reference sees. */
export function toF32Values(x: ArrayLike<number>): Float64Array {
  return Float64Array.from(Float32Array.from(x as ArrayLike<number>));
}
