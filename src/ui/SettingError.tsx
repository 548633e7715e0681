// The reason a configuration was refused, next to the setting that would fix it (a model's
// Bidirectional box, the BPTT length, the input columns, ...); and, beside a field, the value the
// run uses instead of the one asked for when the data is too short for it (FitNoteLine).

import type { SettingRef } from '../worker/protocol';
import { useStore } from './store';

function matches(setting: SettingRef | null, scope: SettingRef['scope'], modelId?: string, field?: string, except?: string[]): boolean {
  if (!setting || setting.scope !== scope) return false;
  if (field !== undefined && setting.field !== field) return false;
  if (except?.includes(setting.field)) return false;
  return setting.scope !== 'model' || setting.modelId === modelId;
}

/** `field`: only the error about that setting; `except`: not those (they show beside their own field). */
export function SettingError({ scope, modelId, field, except }: { scope: SettingRef['scope']; modelId?: string; field?: string; except?: string[] }) {
  const error = useStore((s) => (matches(s.configError?.setting ?? null, scope, modelId, field, except) ? s.configError : null));
  if (!error) return null;
  return (
    <p className="hint warn" role="alert" data-testid={`setting-error-${scope}${modelId ? `-${modelId}` : ''}`} data-field={error.setting?.field}>
      {error.message}
    </p>
  );
}

/** "Using 26, not 32: …" beside the sequence length or validation share a short series changed. */
export function FitNoteLine({ field }: { field: 'seqLen' | 'validationFraction' }) {
  const note = useStore((s) => s.fitNotes.find((n) => n.field === field));
  if (!note) return null;
  return (
    <p className="hint notice" data-testid={`fit-note-${field}`}>
      Using {note.used}, not {note.asked}: {note.why}
    </p>
  );
}
