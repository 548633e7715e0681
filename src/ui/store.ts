// The zustand store: configuration and UI state only, in slices. No GPU objects live here (the
// worker owns them), and nothing that changes every step: telemetry goes into ring buffers
// outside React (./telemetry).

import { create } from 'zustand';
import { dataSlice, type DataSlice } from './state/dataSlice';
import { gpuSlice, type GpuSlice } from './state/gpuSlice';
import { modelSlice, type ModelSlice } from './state/modelSlice';
import { runSlice, type RunSlice } from './state/runSlice';
import { savedSlice, type SavedSlice } from './state/savedSlice';
import { trainingSlice, type TrainingSlice } from './state/trainingSlice';
import { viewSlice, type ViewSlice } from './state/viewSlice';

export type { GpuStatus } from './state/gpuSlice';

export type Store = GpuSlice & DataSlice & ModelSlice & TrainingSlice & RunSlice & ViewSlice & SavedSlice;

export const useStore = create<Store>()((...a) => ({
  ...gpuSlice(...a),
  ...dataSlice(...a),
  ...modelSlice(...a),
  ...trainingSlice(...a),
  ...runSlice(...a),
  ...viewSlice(...a),
  ...savedSlice(...a),
}));
