// The models the worker has built for this run, with the label and colour every view uses.

import { useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { ModelSlot } from '../../worker/protocol';
import { slotLabel } from '../../models/registry';
import { SLOT_COLORS } from '../state/defaults';
import { useStore } from '../store';

export interface RunModel {
  id: string;
  label: string;
  color: string;
  slot: ModelSlot;
}

/** The slot as its family labels it ("LSTM 32 ×2", "Mamba d32·N16"). */
export function modelLabel(slot: ModelSlot): string {
  return slotLabel(slot);
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
