import type { StateCreator } from 'zustand';
import type { TrainingSettings } from '../../worker/protocol';
import type { Store } from '../store';
import { DEFAULT_SEED, DEFAULT_TRAINING } from './defaults';

export interface TrainingSlice {
  training: TrainingSettings;
  seed: number;
  setTraining(patch: Partial<TrainingSettings>): void;
  setSeed(seed: number): void;
}

export const trainingSlice: StateCreator<Store, [], [], TrainingSlice> = (set) => ({
  training: DEFAULT_TRAINING,
  seed: DEFAULT_SEED,
  setTraining: (patch) => set((s) => ({ training: { ...s.training, ...patch } })),
  setSeed: (seed) => set({ seed }),
});
