// A lesson as a URL hash: `#lesson=vanishing` stands for the lesson's whole setup, and any other
// key beside it overrides that key of the setup (`#lesson=vanishing&b=8&dp=length:30`: the same
// lesson, smaller). The page reads the expanded hash exactly as it reads any link.

import { DEFAULT_CHOICE } from '../state/defaults';
import { encodeHash } from '../url/hashState';
import { lessonById, type Lesson } from './lessons';

/** The lesson's setup, written as the hash a link to that run would carry. */
export function lessonSetupHash(lesson: Lesson): string {
  const { dataset, models, training, seed } = lesson.setup;
  return encodeHash({ dataset, fileName: null, models, training, choice: DEFAULT_CHOICE, seed });
}

/** Dataset parameters `k:v,k:v` of the lesson, each replaced by the hash's own value for it. */
function mergeParams(lesson: string | null, own: string): string {
  const entries = new Map<string, string>();
  for (const text of [lesson ?? '', own]) {
    for (const pair of text.split(',')) {
      const [k, v] = pair.split(':');
      if (k && v !== undefined) entries.set(k, v);
    }
  }
  return [...entries].map(([k, v]) => `${k}:${v}`).join(',');
}

/**
 * The hash with its lesson (if it names one) expanded under its own keys, and the lesson. A hash
 * without a known lesson comes back as it is.
 */
export function expandLessonHash(hash: string): { hash: string; lesson: Lesson | null } {
  let own: URLSearchParams;
  try {
    own = new URLSearchParams(hash.replace(/^#/, ''));
  } catch {
    return { hash, lesson: null };
  }
  const lesson = lessonById(own.get('lesson'));
  if (!lesson) return { hash, lesson: null };
  const merged = new URLSearchParams(lessonSetupHash(lesson));
  for (const [key, value] of own) {
    if (key === 'lesson') continue;
    if (key === 'dp' && own.get('d') === null) merged.set('dp', mergeParams(merged.get('dp'), value));
    else merged.set(key, value);
  }
  merged.set('lesson', lesson.id);
  return { hash: merged.toString(), lesson };
}
