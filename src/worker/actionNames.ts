// How the page's alert names a request the worker refused: "Could not take a step: …".

const ACTION_NAMES: Record<string, string> = {
  step: 'take a step',
  reset: 'reset the run',
  'bptt-step': 'step through BPTT',
  forecast: 'forecast',
  decode: 'decode',
  'export-weights': 'download the weights',
  'export-pytorch': 'export to PyTorch',
  generate: 'generate',
};

/** The words for a refused command of this type (its type itself when it has none). */
export function actionName(type: string): string {
  return ACTION_NAMES[type] ?? type;
}
