import type { ReactNode } from 'react';

export function Panel(props: { title: string; id: string; children: ReactNode; actions?: ReactNode }) {
  return (
    <section className="panel" id={props.id} aria-labelledby={`${props.id}-title`}>
      <header className="panel-header">
        <h2 id={`${props.id}-title`}>{props.title}</h2>
        {props.actions}
      </header>
      <div className="panel-body">{props.children}</div>
    </section>
  );
}
