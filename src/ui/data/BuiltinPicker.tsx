// The built-in datasets, each with what it tests; the chosen one shows its parameters. Picking
// one also applies its suggested window length and columns.

import { AUTO_SHAPE } from '../../data/shape';
import { loadBuiltin, loadBuiltinSoon } from '../engine';
import { NumberField, SelectField } from '../fields';
import { useStore } from '../store';
import { BUILTINS, completeParams, type BuiltinInfo, type BuiltinParam, type ParamValues } from './catalog';

function pick(b: BuiltinInfo): void {
  // A new dataset is read afresh: its own time column and layout, detected.
  useStore.getState().setChoice({ ...AUTO_SHAPE });
  // Load first: while it is pending, the settings below do not rebuild the old run.
  loadBuiltin(b.id, completeParams(b.id, {}));
  const s = useStore.getState();
  const { seqLen, inputs, targets } = b.suggested;
  s.setTraining({ seqLen, tbptt: 0 });
  s.setChoice({ inputColumns: inputs ?? [], targetColumns: targets ?? inputs?.slice(0, 1) ?? [] });
}

function ParamField({ p, value, onChange }: { p: BuiltinParam; value: number | string; onChange(v: number | string): void }) {
  if (p.kind === 'choice') {
    return <SelectField label={p.label} hint={p.help} value={String(value)} options={p.options ?? []} onChange={onChange} />;
  }
  return (
    <NumberField
      label={p.label}
      value={Number(value)}
      min={p.min ?? -Infinity}
      max={p.max ?? Infinity}
      step={p.step}
      integer={p.kind === 'int'}
      onChange={onChange}
    />
  );
}

export function BuiltinPicker() {
  const selected = useStore((s) => s.pendingRef ?? s.dataRef);
  const current = selected.kind === 'builtin' ? selected : null;
  const change = (b: BuiltinInfo, params: ParamValues) => {
    // On its way from now: an older load that lands meanwhile is not taken for this one.
    useStore.getState().startLoad({ kind: 'builtin', id: b.id, params });
    loadBuiltinSoon(b.id, params);
  };
  return (
    <div className="builtin-list" role="radiogroup" aria-label="Built-in datasets">
      {BUILTINS.map((b) => {
        const active = current?.id === b.id;
        return (
          <div key={b.id} className={`builtin${active ? ' active' : ''}`}>
            <label className="builtin-choice">
              <input type="radio" name="builtin" value={b.id} data-testid={`dataset-${b.id}`} checked={active} onChange={() => pick(b)} />
              <span className="builtin-title">{b.title}</span>
              <span className="builtin-blurb">{b.blurb}</span>
            </label>
            {active && b.params.length > 0 && (
              <div className="builtin-params">
                {b.params.map((p) => (
                  <ParamField key={p.key} p={p} value={current.params[p.key] ?? p.default} onChange={(v) => change(b, { ...current.params, [p.key]: v })} />
                ))}
              </div>
            )}
            {active && b.credit && <p className="hint credit">{b.credit}</p>}
          </div>
        );
      })}
    </div>
  );
}
