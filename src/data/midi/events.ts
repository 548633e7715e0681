// The polyphonic encoding: every note of a track as events on a grid, in the manner of
// Performance RNN (Simon & Oore 2017) without velocity: "on:C4" starts a note, "off:C4" ends it,
// "wait:3" moves time on three grid steps (at most MAX_WAIT per token, so a long silence is
// several). At one moment the ends come before the starts, lowest pitch first, so the same music
// always makes the same tokens. A model trained on this can write chords.

import { midiOf, nameOf } from '../melodies';
import type { TimedNote } from './write';
import type { TickNote } from './melody';

export const MAX_WAIT = 16;

export function extractEvents(notes: readonly TickNote[], gridTicks: number): string[] {
  const events: Array<{ step: number; on: boolean; pitch: number }> = [];
  for (const n of notes) {
    const start = Math.round(n.ticks / gridTicks);
    const end = Math.max(start + 1, Math.round((n.ticks + n.durationTicks) / gridTicks));
    events.push({ step: start, on: true, pitch: n.midi }, { step: end, on: false, pitch: n.midi });
  }
  events.sort((a, b) => a.step - b.step || Number(a.on) - Number(b.on) || a.pitch - b.pitch);
  const out: string[] = [];
  const sounding = new Map<number, number>(); // pitch → how many of its notes sound
  let now = events.length ? events[0].step : 0;
  for (const e of events) {
    for (let gap = e.step - now; gap > 0; gap -= MAX_WAIT) out.push(`wait:${Math.min(gap, MAX_WAIT)}`);
    now = e.step;
    const count = sounding.get(e.pitch) ?? 0;
    if (e.on) {
      // The same pitch struck again while it sounds: one voice per pitch, so it restarts.
      if (count > 0) out.push(`off:${nameOf(e.pitch)}`);
      out.push(`on:${nameOf(e.pitch)}`);
      sounding.set(e.pitch, count + 1);
    } else if (count > 0) {
      sounding.set(e.pitch, count - 1);
      // Only the last of overlapping notes of one pitch ends it.
      if (count === 1) out.push(`off:${nameOf(e.pitch)}`);
    }
  }
  return out;
}

/**
 * Events back to notes, from `offset` beats: a note lasts from its "on" to its pitch's next
 * "off" (or next "on"); one never ended (a model may forget) lasts to the last event. Tokens that
 * are not events are skipped.
 */
export function eventsToNotes(tokens: readonly string[], stepsPerBeat: number, offset = 0): { notes: TimedNote[]; end: number } {
  const notes: TimedNote[] = [];
  const open = new Map<number, number>(); // pitch → start step
  let step = 0;
  const close = (pitch: number) => {
    const start = open.get(pitch);
    if (start === undefined) return;
    open.delete(pitch);
    notes.push({ pitch, start: offset + start / stepsPerBeat, beats: Math.max(1, step - start) / stepsPerBeat });
  };
  for (const token of tokens) {
    const [kind, value] = token.split(':');
    if (kind === 'wait') step += Number(value) || 0;
    else if (kind === 'on' || kind === 'off') {
      let pitch: number;
      try {
        pitch = midiOf(value);
      } catch {
        continue;
      }
      close(pitch);
      if (kind === 'on') open.set(pitch, step);
    }
  }
  for (const pitch of [...open.keys()]) close(pitch);
  notes.sort((a, b) => a.start - b.start || a.pitch - b.pitch);
  return { notes, end: offset + step / stepsPerBeat };
}
