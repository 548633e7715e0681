import { NumberField } from '../fields';
import { Panel } from '../Panel';
import { MAX_MODELS } from '../state/defaults';
import { useStore } from '../store';
import { ModelCard } from './ModelCard';
import { familyOf, SLOT_KINDS } from '../../models/registry';

const encoderDecoderKinds = SLOT_KINDS.filter((k) => familyOf(k.kind).supports.encoderDecoder).map((k) => k.label);
const decoderOnlyKinds = SLOT_KINDS.filter((k) => !familyOf(k.kind).supports.encoderDecoder).map((k) => k.label);

/** "a, b or c" */
function listOf(labels: string[]): string {
  return labels.length > 1 ? `${labels.slice(0, -1).join(', ')} or ${labels.at(-1)}` : (labels[0] ?? '');
}

export function ModelPanel() {
  const models = useStore((s) => s.models);
  const addModel = useStore((s) => s.addModel);
  const seed = useStore((s) => s.seed);
  const setSeed = useStore((s) => s.setSeed);
  const seq2seq = useStore((s) => s.summary?.task === 'seq2seq');
  return (
    <Panel title="Model" id="model-panel">
      {seq2seq && (
        <p className="hint" data-testid="seq2seq-note">
          Sequence to sequence: {listOf(encoderDecoderKinds)} trains as an encoder–decoder. The encoder reads the source; its final state starts the decoder,
          which is fed the true previous target token at every step (teacher forcing) and predicts the next. {listOf(decoderOnlyKinds)} reads the source and
          then the shifted target as one sequence.
        </p>
      )}
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
