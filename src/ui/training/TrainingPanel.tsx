import type { TrainingSettings } from '../../worker/protocol';
import { NumberField, SelectField } from '../fields';
import { Panel } from '../Panel';
import { FitNoteLine, SettingError } from '../SettingError';
import { useStore } from '../store';
import { Controls } from './Controls';

export function TrainingPanel() {
  const t = useStore((s) => s.training);
  const setTraining = useStore((s) => s.setTraining);
  // Datasets of ready-cut sequences (adding, copy) fix the window length themselves.
  const fixedLength = useStore((s) => (s.summary?.kind === 'sequences' ? s.summary.series[0]?.values.length ?? null : null));
  return (
    <Panel title="Training" id="training-panel">
      <Controls />
      <div className="row2">
        <SelectField<TrainingSettings['optimizer']>
          label="Optimizer"
          value={t.optimizer}
          options={[
            { value: 'adam', label: 'Adam' },
            { value: 'sgd', label: 'SGD' },
          ]}
          onChange={(optimizer) => setTraining({ optimizer })}
        />
        <NumberField label="Learning rate" testId="lr" value={t.lr} min={1e-6} max={10} step={0.001} onChange={(lr) => setTraining({ lr })} />
      </div>
      <div className="row2">
        <NumberField label="Batch size" integer value={t.batch} min={1} max={1024} onChange={(batch) => setTraining({ batch })} />
        <NumberField
          label="Sequence length"
          testId="seq-len"
          integer
          value={fixedLength ?? t.seqLen}
          disabled={fixedLength !== null}
          hint={fixedLength !== null ? 'set by the dataset' : undefined}
          min={2}
          max={1024}
          onChange={(seqLen) => setTraining({ seqLen })}
        />
      </div>
      <SettingError scope="training" field="seqLen" />
      <FitNoteLine field="seqLen" />
      <div className="row2">
        <NumberField label="Truncated BPTT" integer value={t.tbptt} min={0} max={1024} hint="0 = whole window" onChange={(tbptt) => setTraining({ tbptt })} />
        <NumberField label="Gradient clip" value={t.clip} min={0} max={1e6} step={0.1} hint="0 = off" onChange={(clip) => setTraining({ clip })} />
      </div>
      <SettingError scope="training" except={['seqLen']} />
      <NumberField label="Validate every (steps)" integer value={t.validateEvery} min={1} max={100000} onChange={(validateEvery) => setTraining({ validateEvery })} />
      <div className="row2">
        <NumberField label="Pause at step" testId="pause-at" integer value={t.pauseAt ?? 0} min={0} max={100000000} hint="0 = never" onChange={(pauseAt) => setTraining({ pauseAt })} />
        <NumberField
          label="Pause when validation stalls"
          testId="patience"
          integer
          value={t.patience ?? 0}
          min={0}
          max={100000}
          hint="evaluations without a better loss; 0 = never"
          onChange={(patience) => setTraining({ patience })}
        />
      </div>
    </Panel>
  );
}
