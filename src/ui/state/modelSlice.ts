// The models of the run: one, or up to three trained side by side on the same batches.

import type { StateCreator } from 'zustand';
import type { ModelSlot } from '../../worker/protocol';
import { kindsInAddOrder } from '../../models/registry';
import type { Store } from '../store';
import { MAX_MODELS, SLOT_IDS, defaultSlot } from './defaults';

export interface ModelSlice {
  models: ModelSlot[];
  setModels(models: ModelSlot[]): void;
  /** Adds a comparison model of a kind not yet in the run, in the families' add order (a tanh RNN first). */
  addModel(): void;
  removeModel(id: string): void;
  updateModel(id: string, patch: Partial<ModelSlot>): void;
}

export const modelSlice: StateCreator<Store, [], [], ModelSlice> = (set) => ({
  models: [defaultSlot('a')],
  setModels: (models) => set({ models }),
  addModel: () =>
    set((s) => {
      if (s.models.length >= MAX_MODELS) return {};
      const id = SLOT_IDS.find((i) => !s.models.some((m) => m.id === i))!;
      const used = new Set(s.models.map((m) => m.kind));
      const kind = kindsInAddOrder().find((k) => !used.has(k)) ?? 'lstm';
      const like = s.models[s.models.length - 1];
      return { models: [...s.models, { ...defaultSlot(id, kind), hidden: like?.hidden ?? 32, layers: like?.layers ?? 1 }] };
    }),
  removeModel: (id) => set((s) => (s.models.length > 1 ? { models: s.models.filter((m) => m.id !== id) } : {})),
  updateModel: (id, patch) => set((s) => ({ models: s.models.map((m) => (m.id === id ? { ...m, ...patch } : m)) })),
});
