// A save the browser refused (most often: no room left). The run goes on in memory and the runs
// saved before are untouched, so this says so and can be dismissed; the next save tries again.

import { useStore } from '../store';

export function SaveAlert() {
  const error = useStore((s) => s.saveError);
  const dismiss = useStore((s) => s.dismissSaveError);
  if (!error) return null;
  return (
    <div className="alert" role="alert" data-testid="save-error">
      <strong>The run could not be saved.</strong>
      <p>{error}</p>
      <p className="small">Training goes on; the runs saved before are as they were.</p>
      <button type="button" onClick={dismiss}>
        Dismiss
      </button>
    </div>
  );
}
