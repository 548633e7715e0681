// Saving a model's weights file as a download: named after the model and its step, so that the
// files of a comparison or of successive saves do not overwrite one another.

import { modelLabel } from '../views/runModels';
import { useStore } from '../store';

export function weightsFileName(label: string, step: number): string {
  const slug = label
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  return `timestep-${slug || 'model'}-step${step}.json`;
}

export function saveWeights(modelId: string, step: number, text: string): void {
  const slot = useStore.getState().models.find((m) => m.id === modelId);
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = weightsFileName(slot ? modelLabel(slot) : modelId, step);
  link.click();
  // The click has started the download; the URL is not needed after this task.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
