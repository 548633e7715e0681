// Small form controls shared by the panels. A number field keeps what is typed as a draft and
// commits only valid values, so typing "0.0" on the way to "0.005" does not rebuild the run.

import { useEffect, useId, useState, type ReactNode } from 'react';

export function Field(props: { label: string; hint?: string; children: (id: string) => ReactNode }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      {props.children(id)}
      {props.hint && <span className="hint">{props.hint}</span>}
    </div>
  );
}

export function NumberField(props: {
  label: string;
  value: number;
  onChange(value: number): void;
  min: number;
  max: number;
  step?: number;
  integer?: boolean;
  hint?: string;
  testId?: string;
  disabled?: boolean;
}) {
  const [draft, setDraft] = useState(String(props.value));
  useEffect(() => setDraft(String(props.value)), [props.value]);
  const valid = (v: number) => Number.isFinite(v) && v >= props.min && v <= props.max && (!props.integer || Number.isInteger(v));
  return (
    <Field label={props.label} hint={props.hint}>
      {(id) => (
        <input
          id={id}
          type="number"
          data-testid={props.testId}
          value={draft}
          min={props.min}
          max={props.max}
          step={props.step ?? (props.integer ? 1 : 'any')}
          disabled={props.disabled}
          aria-invalid={!valid(Number(draft))}
          onChange={(e) => {
            setDraft(e.target.value);
            const v = Number(e.target.value);
            if (e.target.value !== '' && valid(v) && v !== props.value) props.onChange(v);
          }}
          onBlur={() => setDraft(String(props.value))}
        />
      )}
    </Field>
  );
}

export function SelectField<T extends string>(props: {
  label: string;
  value: T;
  options: Array<{ value: T; label: string }>;
  onChange(value: T): void;
  hint?: string;
  testId?: string;
}) {
  return (
    <Field label={props.label} hint={props.hint}>
      {(id) => (
        <select id={id} data-testid={props.testId} value={props.value} onChange={(e) => props.onChange(e.target.value as T)}>
          {props.options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

export function CheckField(props: { label: string; checked: boolean; onChange(checked: boolean): void; hint?: string; disabled?: boolean; testId?: string }) {
  return (
    <label className="check" title={props.hint}>
      <input type="checkbox" data-testid={props.testId} checked={props.checked} disabled={props.disabled} onChange={(e) => props.onChange(e.target.checked)} />
      {props.label}
    </label>
  );
}
