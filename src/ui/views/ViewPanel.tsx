// The frame of a view in the main area: a title, optional controls, and an empty state until
// there is something to draw; a CSV/PNG download of what it shows (exportAs); outlined while
// the open lesson points at it.

import type { ReactNode } from 'react';
import { ChartExport, type ChartExportProps } from '../export/ChartExport';
import { useLessonFocus } from '../lessons/LessonsPanel';

export function ViewPanel(props: { title: string; testId: string; actions?: ReactNode; empty?: string | null; children?: ReactNode; wide?: boolean; exportAs?: ChartExportProps }) {
  const focus = useLessonFocus(props.testId);
  return (
    <section className={`view${props.wide ? ' wide' : ''}${focus ? ' lesson-focus' : ''}`} data-testid={props.testId} aria-label={props.title}>
      <header className="view-header">
        <h3>{props.title}</h3>
        <div className="view-actions">
          {props.actions}
          {props.exportAs && !props.empty && <ChartExport {...props.exportAs} />}
        </div>
      </header>
      {props.empty ? <p className="empty">{props.empty}</p> : props.children}
    </section>
  );
}
