// One model of the run: its kind and sizes. Mamba has d_model and d_state instead of a hidden size.

import type { ModelKind, ModelSlot } from '../../worker/protocol';
import { CheckField, NumberField, SelectField } from '../fields';
import { MODEL_KINDS, SLOT_COLORS } from '../state/defaults';
import { useStore } from '../store';

export function ModelCard({ slot, removable }: { slot: ModelSlot; removable: boolean }) {
  const update = useStore((s) => s.updateModel);
  const remove = useStore((s) => s.removeModel);
  const params = useStore((s) => s.configured?.find((m) => m.id === slot.id)?.parameters);
  const schedule = useStore((s) => s.configured?.find((m) => m.id === slot.id)?.schedule);
  const set = (patch: Partial<ModelSlot>) => update(slot.id, patch);
  const mamba = slot.kind === 'mamba';
  return (
    <div className="model-card" style={{ borderLeftColor: SLOT_COLORS[slot.id] }} data-testid={`model-${slot.id}`}>
      <div className="model-card-head">
        <SelectField<ModelKind>
          label="Model"
          testId={`model-kind-${slot.id}`}
          value={slot.kind}
          options={MODEL_KINDS.map((k) => ({ value: k.kind, label: k.label }))}
          onChange={(kind) => set({ kind })}
        />
        {removable && (
          <button type="button" className="icon" title="Remove this model" aria-label={`Remove model ${slot.id}`} onClick={() => remove(slot.id)}>
            ×
          </button>
        )}
      </div>
      <div className="row2">
        <NumberField label="Layers" integer min={1} max={4} value={slot.layers} onChange={(layers) => set({ layers })} />
        <NumberField label={mamba ? 'd_model' : 'Hidden size'} testId={`model-hidden-${slot.id}`} integer min={1} max={512} value={slot.hidden} onChange={(hidden) => set({ hidden })} />
      </div>
      {mamba && (
        <div className="row2">
          <NumberField label="d_state" integer min={1} max={64} value={slot.dState} onChange={(dState) => set({ dState })} />
          <NumberField label="Expand" integer min={1} max={4} value={slot.expand} onChange={(expand) => set({ expand })} />
        </div>
      )}
      <div className="row2">
        <SelectField
          label="Initial state"
          value={slot.initialState}
          options={[
            { value: 'zeros', label: 'zeros' },
            { value: 'learned', label: 'learned' },
          ]}
          onChange={(initialState) => set({ initialState })}
        />
        {!mamba && <CheckField label="Bidirectional" checked={slot.bidirectional} onChange={(bidirectional) => set({ bidirectional })} />}
      </div>
      {params !== undefined && <p className="hint">{params.toLocaleString()} parameters</p>}
      {schedule && (
        <p className="hint" data-testid="model-schedule">
          GPU: {schedule}
        </p>
      )}
    </div>
  );
}
