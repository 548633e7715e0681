// The models the worker has built for this run, with the label and colour every view uses.

import { useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { ModelSlot } from '../../worker/protocol';
import { SLOT_COLORS, kindLabel } from '../state/defaults';
import { useStore } from '../store';

export interface RunModel {
  id: string;
  label: string;
  color: string;
  slot: ModelSlot;
}

export function modelLabel(slot: ModelSlot): string {
  const size = slot.kind === 'mamba' ? `d${slot.hidden}·N${slot.dState}` : String(slot.hidden);
  return `${kindLabel(slot.kind)} ${size}${slot.layers > 1 ? ` ×${slot.layers}` : ''}${slot.bidirectional ? ' bi' : ''}`;
}

export function useRunModels(): RunModel[] {
  const ids = useStore(useShallow((s) => s.configured?.map((m) => m.id) ?? []));
  const slots = useStore((s) => s.models);
  return useMemo(
    () =>
      ids
        .map((id) => slots.find((m) => m.id === id))
        .filter((m): m is ModelSlot => m !== undefined)
        .map((slot) => ({ id: slot.id, label: modelLabel(slot), color: SLOT_COLORS[slot.id] ?? '#ccc', slot })),
    [ids, slots],
  );
}
