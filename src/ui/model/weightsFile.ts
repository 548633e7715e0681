// Saving a model's weights file as a download: named after the model and its step, so that the
// files of a comparison or of successive saves do not overwrite one another; and any other file
// the worker makes (a PyTorch export), under the name it gives.

import type { WeightsContents, WeightsFormat } from '../../worker/protocol';
import { modelLabel } from '../views/runModels';
import { useStore } from '../store';

/** `timestep-<model>-step<N>.safetensors` (or `.json`). */
export function weightsFileName(label: string, step: number, format: WeightsFormat): string {
  const slug = label
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  return `timestep-${slug || 'model'}-step${step}.${format}`;
}

/** Starts the download of a weights file the worker sent. */
export function saveWeights(modelId: string, step: number, contents: WeightsContents): void {
  const slot = useStore.getState().models.find((m) => m.id === modelId);
  const blob = contents.format === 'json' ? new Blob([contents.text], { type: 'application/json' }) : new Blob([contents.bytes], { type: 'application/octet-stream' });
  saveDownload(blob, weightsFileName(slot ? modelLabel(slot) : modelId, step, contents.format));
}

/** Starts the download of a file the worker made (a weights file, a PyTorch export). */
export function saveDownload(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
  // The click has started the download; the URL is not needed after this task.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
