// Training met a NaN or an infinity: say where, name the parameters, and stay paused.

import { useStore } from '../store';
import { useRunModels } from './runModels';

export function NonFiniteAlert() {
  const alert = useStore((s) => s.nonFinite);
  const dismiss = useStore((s) => s.setNonFinite);
  const models = useRunModels();
  if (!alert) return null;
  const model = models.find((m) => m.id === alert.modelId);
  return (
    <div className="alert" role="alert" data-testid="non-finite">
      <strong>
        {model?.label ?? alert.modelId}: the gradients became non-finite (NaN or ∞) at step {alert.step}.
      </strong>
      <p>
        Affected: <code>{alert.params.join(', ')}</code>. The update was not applied and training is paused. A lower learning rate or
        gradient clipping usually helps; Reset starts again from the seed.
      </p>
      <button type="button" className="link" onClick={() => dismiss(null)}>
        Dismiss
      </button>
    </div>
  );
}
