// A fixed-capacity ring of numbers: the newest `capacity` values of a series, oldest first, with
// no allocation per push. Training can run for hours; the views only ever need the recent past
// and a downsampled whole.

export class Ring {
  private readonly data: Float64Array;
  private start = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    this.data = new Float64Array(capacity);
  }

  get length(): number {
    return this.count;
  }

  push(value: number): void {
    if (this.count < this.capacity) {
      this.data[(this.start + this.count) % this.capacity] = value;
      this.count++;
    } else {
      this.data[this.start] = value;
      this.start = (this.start + 1) % this.capacity;
    }
  }

  /** The i-th value, oldest first. */
  get(i: number): number {
    return this.data[(this.start + i) % this.capacity];
  }

  last(): number {
    return this.count > 0 ? this.get(this.count - 1) : NaN;
  }

  clear(): void {
    this.start = 0;
    this.count = 0;
  }
}

/**
 * At most `maxPoints` buckets of consecutive indices covering the whole ring: [first, end) pairs.
 * Views average a bucket (loss) or take its last value (steps), so a long run still draws quickly.
 */
export function buckets(length: number, maxPoints: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  if (length === 0) return out;
  const size = Math.max(1, Math.ceil(length / maxPoints));
  for (let i = 0; i < length; i += size) out.push([i, Math.min(length, i + size)]);
  return out;
}

/** Mean of the finite values of ring[first, end); NaN when there are none. */
export function bucketMean(ring: Ring, first: number, end: number): number {
  let sum = 0;
  let n = 0;
  for (let i = first; i < end; i++) {
    const v = ring.get(i);
    if (Number.isFinite(v)) {
      sum += v;
      n++;
    }
  }
  return n > 0 ? sum / n : NaN;
}
