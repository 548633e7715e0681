// The reason a configuration was refused, next to the setting that would fix it (a model's
// Bidirectional box, the BPTT length, the input columns, ...).

import type { SettingRef } from '../worker/protocol';
import { useStore } from './store';

function matches(setting: SettingRef | null, scope: SettingRef['scope'], modelId?: string): boolean {
  if (!setting || setting.scope !== scope) return false;
  return setting.scope !== 'model' || setting.modelId === modelId;
}

export function SettingError({ scope, modelId }: { scope: SettingRef['scope']; modelId?: string }) {
  const error = useStore((s) => (matches(s.configError?.setting ?? null, scope, modelId) ? s.configError : null));
  if (!error) return null;
  return (
    <p className="hint warn" role="alert" data-testid={`setting-error-${scope}${modelId ? `-${modelId}` : ''}`} data-field={error.setting?.field}>
      {error.message}
    </p>
  );
}
