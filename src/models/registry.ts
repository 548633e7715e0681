// The model-family registry: every kind of model Timestep trains, and everything the rest of the
// app asks about one, answered by the family's own module. The page (model card, URL, labels,
// views), the worker (slot → ModelConfig), the trainer (build, init, output size), the weights
// files (description) and the checker (fixture kinds) all read it; none lists kinds itself.
//
// A family module (src/models/families/<name>.ts) exports one ModelFamily (./family.ts), which provides:
//   kinds          the kinds its model card offers, with their labels and "Add model" order
//   fields         the card's number fields (key, label, min, max, integer, default): the card
//                  renders them generically; supports.bidirectional / learnedInitialState add the
//                  two other controls
//   supports       bidirectional, learned initial state, truncated BPTT (carried state), encoder-decoder
//   views          which probe views apply: BPTT step-through, the parallel-scan schedule
//   urlCodec       its slot in the URL hash (families/shared.ts has the positional `lstm.1.32.16.2.0.z`)
//   slotConfig     slot → ModelConfig, what the worker builds (an encoder-decoder on seq2seq tasks
//                  when it supports one)
//   slotLabel      a configured slot in a few characters ("LSTM 32 ×2")
//   engines        for each ModelConfig kind it builds: parameter names and shapes (PyTorch's),
//                  PyTorch's initialisation, carried-state shape, the GPU build (loaded lazily, so
//                  the page does not carry the kernels), encoder output size, the float64
//                  reference forward, and a weights-file description
//   fixtures       the test-data/torch fixture kinds it answers for `check:torch`, their extra shape
//                  checks, and the GPU check (loaded lazily)
//
// Adding a family (src/models/families/minrnn.ts, the latest, is a short example):
//   1. src/reference/<name>.ts        the float64 forward and backward (and its fixture tests)
//   2. shaders/<name>.wgsl            the kernels; their TypeScript wrapper may sit with the GPU model
//                                     and build its KernelSource with withMath (src/kernels/registry.ts)
//   3. src/models/<name>.ts           parameters (names, shapes, init) and the GPU model (an Encoder)
//   4. src/models/families/<name>.ts  the ModelFamily above, its fixture check included
//   5. one line in FAMILIES below
// Its ModelKind and ModelConfig variants then follow from the types; src/models/registry.test.ts
// checks every family's invariants (shapes against init, URL round trip, field defaults, labels).

import type { ModelSlot } from '../worker/protocol';
import type { EnginesOf, ModelEngine, ModelFamily, SlotContext, SlotKind } from './family';
import { mambaFamily } from './families/mamba';
import { minRnnFamily } from './families/minrnn';
import { recurrentFamily } from './families/recurrent';

/** Every family, in the order the model card's menu lists them. */
export const FAMILIES = [recurrentFamily, mambaFamily, minRnnFamily] as const;

type Family = (typeof FAMILIES)[number];
/** A kind a model card offers (a slot's kind). */
export type ModelKind = Family['kinds'][number]['kind'];
/** Every model configuration a family builds, told apart by `kind`. */
export type ModelConfig = NonNullable<Family['configType']>;

const families: readonly ModelFamily[] = FAMILIES as unknown as readonly ModelFamily[];

/** The kinds of the model card's menu, in order. */
export const SLOT_KINDS: readonly SlotKind[] = families.flatMap((f) => f.kinds as readonly SlotKind[]);

/** Fields a slot has whatever its family shows: switching kind on a card keeps the rest. */
const SLOT_BASE: Omit<ModelSlot, 'id' | 'kind'> = { layers: 1, hidden: 32, dState: 16, expand: 2, bidirectional: false, initialState: 'zeros' };

export function familyOf(kind: string): ModelFamily {
  const family = families.find((f) => f.kinds.some((k) => k.kind === kind));
  if (!family) throw new Error(`unknown model kind ${JSON.stringify(kind)}`);
  return family;
}

export function isModelKind(kind: string): kind is ModelKind {
  return SLOT_KINDS.some((k) => k.kind === kind);
}

export function kindLabel(kind: string): string {
  return SLOT_KINDS.find((k) => k.kind === kind)?.label ?? kind;
}

/** Kinds in the order "Add model" tries them. */
export function kindsInAddOrder(): ModelKind[] {
  return [...SLOT_KINDS].sort((a, b) => a.addOrder - b.addOrder).map((k) => k.kind);
}

export function defaultSlot(id: string, kind: ModelKind = 'lstm'): ModelSlot {
  const own = Object.fromEntries(familyOf(kind).fields.map((f) => [f.key, f.default]));
  return { id, kind, ...SLOT_BASE, ...own };
}

export function encodeSlot(slot: ModelSlot): string {
  return familyOf(slot.kind).urlCodec.encode(slot) + (slot.clip !== undefined ? `*c${slot.clip}` : '');
}

/** The most a model's own clip may be in a link. */
export const MAX_SLOT_CLIP = 1000;

/**
 * A slot from its URL text, or null when the kind is unknown (the rest falls back to defaults).
 * After the family's text, fields every family has: `*c0` (this model's own gradient clip).
 */
export function decodeSlot(text: string, id: string): ModelSlot | null {
  const [own, ...common] = text.split('*');
  const kind = own.split('.')[0];
  if (!isModelKind(kind)) return null;
  const slot = familyOf(kind).urlCodec.decode(own, defaultSlot(id, kind));
  const clipText = common.find((p) => p.startsWith('c'))?.slice(1) ?? '';
  const clip = /^\d+(\.\d+)?(e[-+]?\d+)?$/.test(clipText) ? Number(clipText) : NaN;
  if (slot && Number.isFinite(clip) && clip >= 0 && clip <= MAX_SLOT_CLIP) slot.clip = clip;
  return slot;
}

/** The model a slot trains. */
export function slotModelConfig(slot: ModelSlot, inputSize: number, context?: SlotContext): ModelConfig {
  return familyOf(slot.kind).slotConfig(slot, inputSize, context) as ModelConfig;
}

/** The slot's label, its own gradient clip named where it has one (" no clip", " clip 5"). */
export function slotLabel(slot: ModelSlot): string {
  const clip = slot.clip === undefined ? '' : slot.clip > 0 ? ` clip ${slot.clip}` : ' no clip';
  return familyOf(slot.kind).slotLabel(slot) + clip;
}

/** The engine of a model configuration's kind ('recurrent', 'seq2seq', 'mamba', ...). */
export function engineOf(cfg: { kind: string }): ModelEngine<ModelConfig> {
  const engine = engineByKind(cfg.kind);
  if (!engine) throw new Error(`no model family builds configurations of kind ${JSON.stringify(cfg.kind)}`);
  return engine;
}

function engineByKind(kind: string): ModelEngine<ModelConfig> | undefined {
  for (const f of families) {
    const engines = f.engines as Partial<EnginesOf<{ kind: string }>>;
    if (Object.hasOwn(engines, kind)) return engines[kind] as unknown as ModelEngine<ModelConfig>;
  }
  return undefined;
}

/** A model configuration in words, to say what a weights file holds against what it is loaded into. */
export function describeModel(model: unknown): string {
  if (typeof model !== 'object' || model === null || Array.isArray(model)) return 'an unknown model';
  const record = model as Record<string, unknown>;
  const engine = typeof record.kind === 'string' ? engineByKind(record.kind) : undefined;
  return engine ? engine.describe(record) : 'an unknown model';
}

/** The family that reads and checks fixtures of this kind, if any. */
export function familyOfFixture(kind: string): ModelFamily | undefined {
  return families.find((f) => f.fixtures.kinds.includes(kind));
}
