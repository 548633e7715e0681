// The worker refused to build the run (a setting that does not fit the data or the model): say
// why at the top of the views, and whether the previous run is still there to train. The setting
// to change also shows the message next to it (../SettingError).

import { useStore } from '../store';

export function ConfigAlert() {
  const error = useStore((s) => s.configError);
  const kept = useStore((s) => s.configured !== null);
  const dismiss = useStore((s) => s.setConfigError);
  if (!error) return null;
  return (
    <div className="alert" role="alert" data-testid="config-error">
      <strong>The run could not be built.</strong>
      <p>{error.message}</p>
      {kept && <p className="small">The previous run is still in place and trains as before.</p>}
      <button type="button" data-testid="dismiss-config-error" onClick={() => dismiss(null)}>
        Dismiss
      </button>
    </div>
  );
}
