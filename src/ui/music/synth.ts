// A small Web Audio synth: each note a triangle oscillator through its own gain envelope
// (attack, decay to a sustain level, release), all into one master gain. Every note of a melody
// is scheduled on the audio clock when Play is clicked (the AudioContext is made or resumed in
// that click: browsers let nothing sound without one); Stop silences the master and stops them.

import type { TimedNote } from '../../data/midi/write';

export interface Playback {
  /** Which melody plays (the roll that draws the playhead). */
  tag: string;
  /** Audio-clock time of beat `from`. */
  startAt: number;
  bpm: number;
  from: number;
  /** Beat where the last note ends. */
  end: number;
  /** Notes scheduled. */
  scheduled: number;
}

/** The most notes one Play schedules (a long dataset plays its start). */
const MAX_NOTES = 2000;
const ATTACK = 0.01;
const DECAY = 0.12;
const SUSTAIN = 0.55;
const RELEASE = 0.08;

let context: AudioContext | null = null;
let master: GainNode | null = null;
let voices: OscillatorNode[] = [];
let current: Playback | null = null;
const listeners = new Set<() => void>();

/** For tests and the curious: the context, and the playback in progress. */
declare global {
  interface Window {
    timestepAudio?: { context: AudioContext; playback: Playback | null };
  }
}

function audio(): AudioContext {
  if (!context) context = new AudioContext();
  return context;
}

const hz = (pitch: number) => 440 * Math.pow(2, (pitch - 69) / 12);

/** Plays the notes at `bpm` from beat `from` (notes before it are skipped). Must run in a click. */
export async function play(tag: string, notes: readonly TimedNote[], bpm: number, from = 0): Promise<Playback> {
  stop();
  const ctx = audio();
  if (ctx.state !== 'running') await ctx.resume();
  master = ctx.createGain();
  master.gain.value = 0.25;
  master.connect(ctx.destination);
  const spb = 60 / bpm;
  const startAt = ctx.currentTime + 0.08;
  const shown = notes.filter((n) => n.start >= from).slice(0, MAX_NOTES);
  for (const n of shown) {
    const t0 = startAt + (n.start - from) * spb;
    const t1 = t0 + Math.max(0.05, n.beats * spb * 0.95);
    const osc = ctx.createOscillator();
    osc.type = 'triangle';
    osc.frequency.value = hz(n.pitch);
    const env = ctx.createGain();
    env.gain.setValueAtTime(0, t0);
    env.gain.linearRampToValueAtTime(1, t0 + ATTACK);
    env.gain.linearRampToValueAtTime(SUSTAIN, t0 + ATTACK + DECAY);
    env.gain.setValueAtTime(SUSTAIN, t1);
    env.gain.linearRampToValueAtTime(0, t1 + RELEASE);
    osc.connect(env).connect(master);
    osc.start(t0);
    osc.stop(t1 + RELEASE + 0.01);
    voices.push(osc);
  }
  const end = shown.reduce((e, n) => Math.max(e, n.start + n.beats), from);
  current = { tag, startAt, bpm, from, end, scheduled: shown.length };
  window.timestepAudio = { context: ctx, playback: current };
  notify();
  return current;
}

export function stop(): void {
  for (const v of voices) {
    try {
      v.stop();
    } catch {
      // never started, or already stopped
    }
  }
  voices = [];
  master?.disconnect();
  master = null;
  current = null;
  if (window.timestepAudio) window.timestepAudio.playback = null;
  notify();
}

/** The beat sounding now, or null when nothing plays (or it has ended). */
export function playheadBeat(tag: string): number | null {
  if (!current || !context || current.tag !== tag) return null;
  const beat = current.from + ((context.currentTime - current.startAt) * current.bpm) / 60;
  return beat > current.end + 0.5 ? null : beat;
}

export function currentPlayback(): Playback | null {
  return current;
}

/** Called when playback starts or stops. */
export function onPlayback(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function notify(): void {
  for (const l of listeners) l();
}
