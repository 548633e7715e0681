// What the families' fixture checks share: a tensor the fixture must have, and a stack's parameters
// read from the fixture into a slab, with the gradient slab of the same layout beside it.

import { packSlab, Slab, slabLayout, writeTensor, type SlabLayout } from '../../gpu/tensor';
import { FixtureError, type Fixture, type FixtureTensor, type TensorMap } from '../../reference/fixtureFormat';

/** `group[key]`, or a FixtureError naming the file and `where.key`. */
export function need(fx: Fixture, group: TensorMap, where: string, key: string): FixtureTensor {
  const t = group[key];
  if (!t) throw new FixtureError(`${fx.file}: ${where}.${key} is missing`);
  return t;
}

export interface FixtureSlabs {
  layout: SlabLayout;
  /** Every field from fx.params. */
  params: Slab;
  grads: Slab;
}

/**
 * Lays out `shapes` and fills the params slab from fx.params, each field of which must be there.
 * Throws before making any buffer; once it returns, the caller destroys both slabs.
 */
export function fixtureParamSlabs(device: GPUDevice, fx: Fixture, shapes: ReadonlyArray<readonly [string, readonly number[]]>): FixtureSlabs {
  const layout = slabLayout(shapes, device.limits.minStorageBufferOffsetAlignment);
  const packed = packSlab(layout, Object.fromEntries(layout.fields.map((f) => [f.name, need(fx, fx.params, 'params', f.name).data])));
  const params = new Slab(device, 'params', layout);
  const grads = new Slab(device, 'grads', layout);
  writeTensor(device, params.all(), packed);
  return { layout, params, grads };
}
