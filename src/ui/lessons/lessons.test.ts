// Every lesson is a run a link can carry: its setup survives the URL hash unchanged, keys beside
// `lesson=` override it, and the views it points at exist.

import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decodeHash } from '../url/hashState';
import { expandLessonHash, lessonSetupHash } from './lessonHash';
import { LESSONS, lessonById } from './lessons';

/** The views' test ids, as the view components declare them (testId="view-…"). */
const VIEWS = readdirSync(fileURLToPath(new URL('../views/', import.meta.url)))
  .filter((f) => f.endsWith('.tsx'))
  .flatMap((f) => [...readFileSync(fileURLToPath(new URL(`../views/${f}`, import.meta.url)), 'utf8').matchAll(/testId="(view-[a-z]+)"/g)].map((m) => m[1]));

describe('lessons', () => {
  it('have unique ids, a title, a question, text of a few sentences and known views', () => {
    expect(new Set(LESSONS.map((l) => l.id)).size).toBe(LESSONS.length);
    for (const l of LESSONS) {
      expect(l.title.trim()).not.toBe('');
      expect(l.question.trim()).not.toBe('');
      expect(l.text.split('. ').length).toBeGreaterThanOrEqual(2);
      for (const v of l.look) expect(VIEWS, `${l.id}: ${v}`).toContain(v);
    }
  });

  for (const lesson of LESSONS) {
    it(`${lesson.id}: #lesson=${lesson.id} is its whole setup, as a link to that run would be`, () => {
      const { hash, lesson: found } = expandLessonHash(`#lesson=${lesson.id}`);
      expect(found).toBe(lesson);
      const h = decodeHash(hash);
      expect(h.lesson).toBe(lesson.id);
      expect(h.dataset.id).toBe(lesson.setup.dataset.id);
      expect(h.dataset.params).toMatchObject(lesson.setup.dataset.params);
      expect(h.models).toEqual(lesson.setup.models);
      expect(h.training).toEqual(lesson.setup.training);
      expect(h.seed).toBe(lesson.setup.seed);
      expect(decodeHash(lessonSetupHash(lesson)).models).toEqual(lesson.setup.models);
    });
  }

  it('takes the keys beside the lesson over its setup, dataset parameters one by one', () => {
    const lesson = lessonById('vanishing')!;
    const h = decodeHash(expandLessonHash('#lesson=vanishing&b=8&dp=length:30&s=7').hash);
    expect(h.training.batch).toBe(8);
    expect(h.seed).toBe(7);
    expect(h.dataset.params).toMatchObject({ ...lesson.setup.dataset.params, length: 30 });
    expect(h.models).toEqual(lesson.setup.models);
  });

  it('leaves a hash without a known lesson as it is', () => {
    expect(expandLessonHash('#d=copy&b=4')).toEqual({ hash: '#d=copy&b=4', lesson: null });
    expect(expandLessonHash('#lesson=nope&b=4').lesson).toBeNull();
    expect(decodeHash('#lesson=nope').lesson).toBeUndefined();
  });
});
