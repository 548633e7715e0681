// A request the worker refused (a BPTT walk on a model without a recurrence, a weights file that
// does not fit the model, ...): what was asked and why not. The run itself is unchanged, so this
// says so and can be dismissed.

import { useStore } from '../store';

export function ActionAlert() {
  const error = useStore((s) => s.actionError);
  const dismiss = useStore((s) => s.setActionError);
  if (!error) return null;
  return (
    <div className="alert" role="alert" data-testid="action-error">
      <strong>Could not {error.action}.</strong>
      <p>{error.message}</p>
      <p className="small">Nothing else changed: the run and its training are as they were.</p>
      <button type="button" onClick={() => dismiss(null)}>
        Dismiss
      </button>
    </div>
  );
}
