// Pieces several families share: the positional URL codec of a slot, the label of a configured
// slot, and reading a weights file's model fields. A family uses them or brings its own.

import type { ModelSlot } from '../../worker/protocol';
import type { SlotCodec } from '../family';

/** URL bounds, wider than the card's (hidden up to 1024): links made by hand or by older pages still load. */
const URL_LIMITS = { layers: [1, 4], hidden: [1, 1024], dState: [1, 64], expand: [1, 4] } as const;

/** An integer in [min, max], or the fallback. */
function int(text: string | undefined, [min, max]: readonly [number, number], fallback: number): number {
  const v = text === undefined ? NaN : Number(text);
  return Number.isInteger(v) && v >= min && v <= max ? v : fallback;
}

/**
 * kind.layers.hidden.dState.expand.bidirectional(0|1).initialState(z|l), every field whatever the
 * kind, so that a link keeps a slot's hidden settings when its kind changes: `lstm.1.32.16.2.0.z`.
 */
export const positionalSlotCodec: SlotCodec = {
  encode: (m) => [m.kind, m.layers, m.hidden, m.dState, m.expand, m.bidirectional ? 1 : 0, m.initialState === 'learned' ? 'l' : 'z'].join('.'),
  decode(text, d) {
    const [kind, layers, hidden, dState, expand, bi, init] = text.split('.');
    if (kind !== d.kind) return null;
    return {
      ...d,
      layers: int(layers, URL_LIMITS.layers, d.layers),
      hidden: int(hidden, URL_LIMITS.hidden, d.hidden),
      dState: int(dState, URL_LIMITS.dState, d.dState),
      expand: int(expand, URL_LIMITS.expand, d.expand),
      bidirectional: bi === '1',
      initialState: init === 'l' ? 'learned' : 'zeros',
    };
  },
};

/** A slot field written after the positional ones as a letter and its value (`f1`), only when it is not its default. */
export interface TaggedField {
  key: 'forgetBias' | 'recurrentScale';
  tag: string;
  min: number;
  max: number;
  default: number;
}

/**
 * The positional codec, then tagged fields that older links lack: `lstm.1.32.16.2.0.z.f1`. A link
 * without a tag (every link made before it existed) decodes to the field's default.
 */
export function taggedSlotCodec(fields: readonly TaggedField[]): SlotCodec {
  return {
    encode(m) {
      const tags = fields.flatMap((f) => {
        const v = m[f.key] ?? f.default;
        return v === f.default ? [] : [`${f.tag}${v}`];
      });
      return [positionalSlotCodec.encode(m), ...tags].join('.');
    },
    decode(text, d) {
      const parts = text.split('.');
      const slot = positionalSlotCodec.decode(parts.slice(0, 7).join('.'), d);
      if (!slot) return null;
      for (const f of fields) {
        const part = parts.slice(7).find((p) => p.startsWith(f.tag));
        const v = part === undefined ? NaN : Number(part.slice(f.tag.length));
        slot[f.key] = Number.isFinite(v) && v >= f.min && v <= f.max ? v : f.default;
      }
      return slot;
    },
  };
}

/** "LSTM 32", then " ×L" for stacked layers, " bi" when bidirectional and " h0" with a learned initial state. */
export function sizedLabel(kindLabel: string, size: string, slot: Pick<ModelSlot, 'layers' | 'bidirectional'> & { initialState?: ModelSlot['initialState'] }): string {
  return `${kindLabel} ${size}${slot.layers > 1 ? ` ×${slot.layers}` : ''}${slot.bidirectional ? ' bi' : ''}${slot.initialState === 'learned' ? ' h0' : ''}`;
}

/** A number field of a weights file's model, or '?' (describe() reads files that may be wrong). */
export function sizeIn(model: Record<string, unknown>, key: string): number | '?' {
  const v = model[key];
  return typeof v === 'number' ? v : '?';
}

