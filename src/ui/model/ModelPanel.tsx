import { NumberField } from '../fields';
import { Panel } from '../Panel';
import { MAX_MODELS } from '../state/defaults';
import { useStore } from '../store';
import { ModelCard } from './ModelCard';

export function ModelPanel() {
  const models = useStore((s) => s.models);
  const addModel = useStore((s) => s.addModel);
  const seed = useStore((s) => s.seed);
  const setSeed = useStore((s) => s.setSeed);
  return (
    <Panel title="Model" id="model-panel">
      {models.map((m) => (
        <ModelCard key={m.id} slot={m} removable={models.length > 1} />
      ))}
      {models.length < MAX_MODELS && (
        <button type="button" className="secondary wide" data-testid="add-model" onClick={addModel}>
          + Compare: add a model
        </button>
      )}
      <NumberField label="Seed" integer min={0} max={2 ** 31 - 1} value={seed} onChange={setSeed} hint="same seed, same run" testId="seed" />
    </Panel>
  );
}
