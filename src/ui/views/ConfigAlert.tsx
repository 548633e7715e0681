// The worker refused to build the run (a setting that does not fit the data or the model): say
// why at the top of the views, where the empty charts would otherwise leave people guessing.

import { useStore } from '../store';

export function ConfigAlert() {
  const message = useStore((s) => s.configError);
  if (!message) return null;
  return (
    <div className="alert" role="alert" data-testid="config-error">
      <strong>The run could not be built.</strong>
      <p>{message}</p>
    </div>
  );
}
