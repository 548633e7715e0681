// What a CPU twin of a WGSL entry point is. A twin runs one whole dispatch: it gets the bound
// buffers as typed views (already cut to the binding's offset and size), the workgroup counts,
// and was made for one set of override constants, so it computes exactly what the shader
// computes over that grid. The registry (src/kernels/cpu/index.ts) maps family → entry → twin.

/** One bound buffer range, viewed three ways (the same bytes). */
export interface Bound {
  readonly f32: Float32Array;
  readonly u32: Uint32Array;
  readonly i32: Int32Array;
}

/** Bindings by binding number; a binding the entry point does not use may be absent. */
export type Bindings = readonly (Bound | undefined)[];

export type Workgroups = readonly [number, number, number];

/** One dispatch of the entry point over the grid. */
export type TwinRun = (bindings: Bindings, groups: Workgroups) => void;

/** Builds a dispatch function for the pipeline's override constants (booleans arrive as 0/1). */
export type Twin = (constants: Readonly<Record<string, number>>) => TwinRun;

/** A kernel family's twins by entry point name. */
export type FamilyTwins = Readonly<Record<string, Twin>>;

/** The binding `i`, or a clear error naming what was missing (a host wrapper forgot to bind it). */
export function bound(bindings: Bindings, i: number, what: string): Bound {
  const b = bindings[i];
  if (!b) throw new Error(`CPU twin ${what}: binding ${i} is not bound`);
  return b;
}

/** An override constant, or its WGSL default. */
export function constant(constants: Readonly<Record<string, number>>, name: string, fallback: number): number {
  const v = constants[name];
  return v === undefined ? fallback : v;
}

/** Invocations of a 1D grid of `groups` workgroups of `size` (kernels index gid.x + gid.y·groups.x·size). */
export function flatCount(groups: Workgroups, size: number): number {
  return groups[0] * groups[1] * size;
}
