// One model of the run: its kind and sizes. The fields shown, their labels and limits are the
// family's (src/models/registry.ts): Mamba has d_model, d_state and expand where a recurrent
// model has a hidden size, and only a recurrent model reads both ways or learns its initial state.

import { useRef } from 'react';
import type { ModelKind, ModelSlot } from '../../worker/protocol';
import { CheckField, NumberField, SelectField } from '../fields';
import { familyOf } from '../../models/registry';
import { MODEL_KINDS, SLOT_COLORS } from '../state/defaults';
import { useStore } from '../store';
import { loadWeights, requestPytorchExport, requestWeights } from '../engine';
import { modelLabel } from '../views/runModels';
import { SettingError } from '../SettingError';

/** The model's clip choices: the run's, off, a few norms, and its own value if it is another. */
function clipOptions(own: number | undefined, run: number): Array<{ value: string; label: string }> {
  const norms = [0.25, 1, 5, 25];
  if (own !== undefined && own > 0 && !norms.includes(own)) norms.push(own);
  return [
    { value: 'run', label: `as the run (${run > 0 ? run : 'off'})` },
    { value: '0', label: 'off' },
    ...norms.sort((a, b) => a - b).map((n) => ({ value: String(n), label: `norm ${n}` })),
  ];
}

export function ModelCard({ slot, removable }: { slot: ModelSlot; removable: boolean }) {
  const update = useStore((s) => s.updateModel);
  const remove = useStore((s) => s.removeModel);
  const params = useStore((s) => s.configured?.find((m) => m.id === slot.id)?.parameters);
  const schedule = useStore((s) => s.configured?.find((m) => m.id === slot.id)?.schedule);
  const joinedAt = useStore((s) => s.configured?.find((m) => m.id === slot.id)?.joinedAt ?? null);
  const runClip = useStore((s) => s.training.clip);
  const set = (patch: Partial<ModelSlot>) => update(slot.id, patch);
  const fileInput = useRef<HTMLInputElement>(null);
  const family = familyOf(slot.kind);
  // Two fields to a row, as the card has always laid them out.
  const fields = family.fields.filter((f) => !f.kinds || f.kinds.includes(slot.kind));
  const rows = fields.flatMap((_field, i) => (i % 2 === 0 ? [fields.slice(i, i + 2)] : []));
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
      {rows.map((row) => (
        <div className="row2" key={row[0].key}>
          {row.map((f) => (
            <NumberField
              key={f.key}
              label={f.label}
              testId={`model-${f.key}-${slot.id}`}
              integer={f.integer}
              min={f.min}
              max={f.max}
              hint={f.hint}
              value={slot[f.key] ?? f.default}
              onChange={(value) => set({ [f.key]: value })}
            />
          ))}
        </div>
      ))}
      {(family.supports.learnedInitialState || family.supports.bidirectional) && (
        <div className="row2">
          {family.supports.learnedInitialState && (
            <SelectField
              label="Initial state"
              testId={`model-initialState-${slot.id}`}
              value={slot.initialState}
              options={[
                { value: 'zeros', label: 'zeros' },
                { value: 'learned', label: 'learned' },
              ]}
              onChange={(initialState) => set({ initialState })}
            />
          )}
          {family.supports.bidirectional && <CheckField label="Bidirectional" testId={`model-bidirectional-${slot.id}`} checked={slot.bidirectional} onChange={(bidirectional) => set({ bidirectional })} />}
        </div>
      )}
      <div className="row2">
        <SelectField
          label="Gradient clip"
          testId={`model-clip-${slot.id}`}
          hint="This model's own clip, to train one clipped and one not side by side"
          value={slot.clip === undefined ? 'run' : String(slot.clip)}
          options={clipOptions(slot.clip, runClip)}
          onChange={(v) => set({ clip: v === 'run' ? undefined : Number(v) })}
        />
      </div>
      <SettingError scope="model" modelId={slot.id} />
      {params !== undefined && <p className="hint">{params.toLocaleString()} parameters</p>}
      {joinedAt !== null && joinedAt > 0 && (
        <p className="hint" data-testid={`joined-${slot.id}`}>
          Joined when the others were at step {joinedAt.toLocaleString()}: it starts at step 0 beside them.
        </p>
      )}
      {schedule && (
        <p className="hint" data-testid="model-schedule">
          GPU: {schedule}
        </p>
      )}
      {params !== undefined && (
        <div className="weights-actions">
          <button
            type="button"
            data-testid={`download-weights-${slot.id}`}
            title="Every parameter under its PyTorch name, float32, as safetensors: safetensors.torch.load_file reads it into a state_dict"
            onClick={() => requestWeights(slot.id, modelLabel(slot), 'safetensors')}
          >
            Download .safetensors
          </button>
          <button type="button" data-testid={`download-weights-json-${slot.id}`} title="The same weights as JSON: each parameter's shape and values" onClick={() => requestWeights(slot.id, modelLabel(slot), 'json')}>
            JSON
          </button>
          <button
            type="button"
            data-testid={`export-pytorch-${slot.id}`}
            title="A zip to carry the run on in PyTorch: model.py, the weights, the data, config.json and train.py (evaluates, trains, runs under torchrun)"
            onClick={() => requestPytorchExport(slot.id, modelLabel(slot))}
          >
            Export to PyTorch
          </button>
          <button type="button" title="Restarts the run from step 0: this model from the file, the others from their current weights" onClick={() => fileInput.current?.click()}>
            Load weights…
          </button>
          <input
            ref={fileInput}
            type="file"
            hidden
            accept=".safetensors,.json,application/json"
            data-testid={`load-weights-${slot.id}`}
            onChange={async (e) => {
              const input = e.currentTarget;
              const file = input.files?.[0];
              input.value = '';
              if (!file) return;
              try {
                loadWeights(slot.id, file.name, await file.arrayBuffer());
              } catch (error) {
                useStore.getState().setActionError({ action: `load ${file.name}`, message: `${file.name}: the browser could not read the file (${(error as Error).message}).` });
              }
            }}
          />
        </div>
      )}
    </div>
  );
}
