// Writes test-data/midi/ode-to-joy.mid byte by byte: a type 1 Standard MIDI File with a conductor
// track (tempo 120, then 100 at bar 9; 4/4), the melody of Beethoven's "Ode to Joy" (1824, public
// domain) four times in four keys with running status on channel 1, and a drum track on channel
// 10 that the parser leaves out. Run: node scripts/make-midi-fixture.mjs
import { writeFileSync } from 'node:fs';

const PPQ = 96;
const vlq = (n) => {
  const out = [n & 0x7f];
  for (n >>>= 7; n > 0; n >>>= 7) out.unshift((n & 0x7f) | 0x80);
  return out;
};
const u32 = (n) => [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
const ascii = (s) => [...s].map((c) => c.charCodeAt(0));
const track = (events) => {
  const body = [...events, 0, 0xff, 0x2f, 0];
  return [...ascii('MTrk'), ...u32(body.length), ...body];
};
const name = (s) => [0, 0xff, 0x03, s.length, ...ascii(s)];
const tempo = (delta, bpm) => {
  const us = Math.round(60e6 / bpm);
  return [...vlq(delta), 0xff, 0x51, 3, (us >> 16) & 255, (us >> 8) & 255, us & 255];
};

// E E F G G F E D C C D E E. D D (beats: 1 each, 1.5 + 0.5, 2), and so on.
const SEMI = { C: 0, D: 2, E: 4, F: 5, G: 7, A: 9, B: 11 };
const ode =
  'E4 E4 F4 G4 G4 F4 E4 D4 C4 C4 D4 E4 E4:1.5 D4:0.5 D4:2 E4 E4 F4 G4 G4 F4 E4 D4 C4 C4 D4 E4 D4:1.5 C4:0.5 C4:2 ' +
  'D4 D4 E4 C4 D4 E4:0.5 F4:0.5 E4 C4 D4 E4:0.5 F4:0.5 E4 D4 C4 D4 G3:2 E4 E4 F4 G4 G4 F4 E4 D4 C4 C4 D4 E4 D4:1.5 C4:0.5 C4:2';
const notes = ode.split(' ').map((t) => {
  const [n, len] = t.split(':');
  return [12 * (Number(n[1]) + 1) + SEMI[n[0]], Number(len ?? 1)];
});
const melody = [...name('Melody'), 0, 0xc0, 73]; // program change: flute
let first = true;
let gap = 0;
for (const shift of [0, 2, 5, 7]) {
  for (const [pitch, beats] of notes) {
    // Running status: the note-on status byte only once; note-offs are note-ons of velocity 0,
    // a little early (played detached), the rest of the beat the next note's delta time.
    melody.push(...vlq(gap), ...(first ? [0x90] : []), pitch + shift, 90);
    first = false;
    const held = Math.round(beats * PPQ * 0.9);
    melody.push(...vlq(held), pitch + shift, 0);
    gap = Math.round(beats * PPQ) - held;
  }
}
const drums = [...name('Drums')];
for (let i = 0; i < 120; i++) drums.push(0, 0x99, i % 2 ? 38 : 36, 100, ...vlq(PPQ / 2), 0x89, i % 2 ? 38 : 36, 0);
const conductor = [...name('Ode to Joy'), 0, 0xff, 0x58, 4, 4, 2, 24, 8, ...tempo(0, 120), ...tempo(PPQ * 32, 100)];
const bytes = [...ascii('MThd'), ...u32(6), 0, 1, 0, 3, 0, PPQ, ...track(conductor), ...track(melody), ...track(drums)];
writeFileSync(new URL('../test-data/midi/ode-to-joy.mid', import.meta.url), Uint8Array.from(bytes));
console.log(`wrote ${bytes.length} bytes`);
