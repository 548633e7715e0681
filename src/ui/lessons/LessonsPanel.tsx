// The lessons on the page: a short list in the sidebar, each a link (`#lesson=<id>`) that loads
// its setup the way any link does, and the open lesson's text above the views, with the views it
// talks about highlighted.

import { Panel } from '../Panel';
import { useStore } from '../store';
import { LESSONS, lessonById } from './lessons';

/** The list of lessons; the open one is marked. */
export function LessonsPanel() {
  const open = useStore((s) => s.lesson);
  return (
    <Panel title="Lessons" id="lessons-panel">
      <ul className="lesson-list" data-testid="lesson-list">
        {LESSONS.map((l) => (
          <li key={l.id} className={l.id === open ? 'active' : undefined}>
            <a href={`#lesson=${l.id}`} data-testid={`lesson-${l.id}`}>
              {l.title}
            </a>
            <span className="hint">{l.question}</span>
          </li>
        ))}
      </ul>
    </Panel>
  );
}

/** Titles of the views a lesson points at, for its "Look at" line. */
const VIEW_TITLES: Record<string, string> = {
  'view-loss': 'Loss',
  'view-gradtime': 'Gradient through time',
  'view-norms': 'Gradient norms per parameter',
  'view-predictions': 'Predictions vs targets',
  'view-decode': 'Decoding on its own outputs',
  'view-heatmap': 'Heatmap',
};

/** The open lesson: what to look at and why it happens. */
export function LessonNote() {
  const lesson = lessonById(useStore((s) => s.lesson));
  const setView = useStore((s) => s.setView);
  if (!lesson) return null;
  return (
    <section className="lesson-note" data-testid="lesson-note" aria-label={`Lesson: ${lesson.title}`}>
      <header className="view-header">
        <h3>Lesson: {lesson.title}</h3>
        <button type="button" className="icon" title="Close the lesson (the run stays)" aria-label="Close the lesson" onClick={() => setView({ lesson: null })}>
          ×
        </button>
      </header>
      <p className="small muted">Look at: {lesson.look.map((id) => VIEW_TITLES[id] ?? id).join(', ')} (outlined below). Press play, or → for one step.</p>
      <p>{lesson.text}</p>
    </section>
  );
}

/** Whether the open lesson points at this view. */
export function useLessonFocus(testId: string): boolean {
  return useStore((s) => lessonById(s.lesson)?.look.includes(testId) ?? false);
}
