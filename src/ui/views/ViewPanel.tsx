// The frame of a view in the main area: a title, optional controls, and an empty state until
// there is something to draw.

import type { ReactNode } from 'react';

export function ViewPanel(props: { title: string; testId: string; actions?: ReactNode; empty?: string | null; children?: ReactNode; wide?: boolean }) {
  return (
    <section className={`view${props.wide ? ' wide' : ''}`} data-testid={props.testId} aria-label={props.title}>
      <header className="view-header">
        <h3>{props.title}</h3>
        <div className="view-actions">{props.actions}</div>
      </header>
      {props.empty ? <p className="empty">{props.empty}</p> : props.children}
    </section>
  );
}
