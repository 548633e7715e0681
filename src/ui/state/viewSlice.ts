// How the views are set up: scales, which sample and layer the probes read, which map is shown, and
// the lesson whose text sits beside them.

import type { StateCreator } from 'zustand';
import type { Store } from '../store';

export interface ViewSlice {
  logLoss: boolean;
  probeSample: number;
  probeLayer: number;
  /** Heatmap: the model shown and the map ('hidden' or a gate name). */
  heatmapModel: string;
  heatmapMap: string;
  /** Gradient-norm view: the model whose parameters are drawn. */
  normsModel: string;
  temperature: number;
  /** The lesson whose text is shown beside the views (its id), or null. */
  lesson: string | null;
  setView(patch: Partial<Omit<ViewSlice, 'setView'>>): void;
}

export const viewSlice: StateCreator<Store, [], [], ViewSlice> = (set) => ({
  logLoss: true,
  probeSample: 0,
  probeLayer: 0,
  heatmapModel: 'a',
  heatmapMap: 'hidden',
  normsModel: 'a',
  temperature: 0.8,
  lesson: null,
  setView: (patch) => set(patch),
});
