// The tape: as a model records its forward pass, each piece also records the ops of its own
// backward. Replaying the backward entries in reverse order is backpropagation (through time,
// for the recurrent layers, whose backward ops walk their steps in reverse).

import type { StepOp } from '../gpu/dispatch';

export interface TapeEntry {
  label: string;
  forward: StepOp[];
  backward: StepOp[];
}

export class Tape {
  private readonly entries: TapeEntry[] = [];

  record(label: string, forward: StepOp[], backward: StepOp[] = []): void {
    this.entries.push({ label, forward, backward });
  }

  get labels(): string[] {
    return this.entries.map((e) => e.label);
  }

  /** The backward ops of the entry recorded under `label` (empty if there is none). */
  backwardOf(label: string): StepOp[] {
    return this.entries.find((e) => e.label === label)?.backward ?? [];
  }

  forwardOps(): StepOp[] {
    return this.entries.flatMap((e) => e.forward);
  }

  /** Backward entries in reverse order of recording; each entry's own ops in their order. */
  backwardOps(): StepOp[] {
    return [...this.entries].reverse().flatMap((e) => e.backward);
  }
}
