// A small songbook of public-domain melodies (traditional tunes, or published before 1929 by
// composers long dead), transcribed here as note lists: "C4" is middle C, ":2" a length in beats
// (default 1), "R" a rest. Tempo, key signatures and repeats are left out.

export interface Tune {
  title: string;
  origin: string;
  notes: string;
}

export const TUNES: Tune[] = [
  {
    title: 'Twinkle, Twinkle, Little Star',
    origin: 'French folk tune "Ah! vous dirai-je, maman" (1761)',
    notes:
      'C4 C4 G4 G4 A4 A4 G4:2 F4 F4 E4 E4 D4 D4 C4:2 G4 G4 F4 F4 E4 E4 D4:2 ' +
      'G4 G4 F4 F4 E4 E4 D4:2 C4 C4 G4 G4 A4 A4 G4:2 F4 F4 E4 E4 D4 D4 C4:2',
  },
  {
    title: 'Mary Had a Little Lamb',
    origin: 'American nursery song (1830s)',
    notes: 'E4 D4 C4 D4 E4 E4 E4:2 D4 D4 D4:2 E4 G4 G4:2 E4 D4 C4 D4 E4 E4 E4 E4 D4 D4 E4 D4 C4:4',
  },
  {
    title: 'Ode to Joy',
    origin: 'Beethoven, Symphony No. 9 (1824)',
    notes:
      'E4 E4 F4 G4 G4 F4 E4 D4 C4 C4 D4 E4 E4:1.5 D4:0.5 D4:2 ' +
      'E4 E4 F4 G4 G4 F4 E4 D4 C4 C4 D4 E4 D4:1.5 C4:0.5 C4:2 ' +
      'D4 D4 E4 C4 D4 E4:0.5 F4:0.5 E4 C4 D4 E4:0.5 F4:0.5 E4 D4 C4 D4 G3:2 ' +
      'E4 E4 F4 G4 G4 F4 E4 D4 C4 C4 D4 E4 D4:1.5 C4:0.5 C4:2',
  },
  {
    title: 'Frère Jacques',
    origin: 'French round (18th century)',
    notes:
      'C4 D4 E4 C4 C4 D4 E4 C4 E4 F4 G4:2 E4 F4 G4:2 ' +
      'G4:0.5 A4:0.5 G4:0.5 F4:0.5 E4 C4 G4:0.5 A4:0.5 G4:0.5 F4:0.5 E4 C4 C4 G3 C4:2 C4 G3 C4:2',
  },
  {
    title: 'Row, Row, Row Your Boat',
    origin: 'American round (1852)',
    notes:
      'C4:1.5 C4:1.5 C4 D4:0.5 E4:1.5 E4 D4:0.5 E4 F4:0.5 G4:3 ' +
      'C5:0.5 C5:0.5 C5:0.5 G4:0.5 G4:0.5 G4:0.5 E4:0.5 E4:0.5 E4:0.5 C4:0.5 C4:0.5 C4:0.5 ' +
      'G4 F4:0.5 E4 D4:0.5 C4:3',
  },
  {
    title: 'London Bridge Is Falling Down',
    origin: 'English nursery song (traditional)',
    notes: 'G4:1.5 A4:0.5 G4 F4 E4 F4 G4:2 D4 E4 F4:2 E4 F4 G4:2 G4:1.5 A4:0.5 G4 F4 E4 F4 G4:2 D4:2 G4:2 E4 C4:3',
  },
  {
    title: 'Yankee Doodle',
    origin: 'American song (18th century)',
    notes: 'C4 C4 D4 E4 C4 E4 D4 G3 C4 C4 D4 E4 C4:2 B3:2 C4 C4 D4 E4 F4 E4 D4 C4 B3 G3 A3 B3 C4:2 C4:2',
  },
  {
    title: 'Au clair de la lune',
    origin: 'French folk song (18th century)',
    notes:
      'C4 C4 C4 D4 E4:2 D4:2 C4 E4 D4 D4 C4:4 C4 C4 C4 D4 E4:2 D4:2 C4 E4 D4 D4 C4:4 ' +
      'D4 D4 D4 D4 A3:2 A3:2 D4 C4 B3 A3 G3:4 C4 C4 C4 D4 E4:2 D4:2 C4 E4 D4 D4 C4:4',
  },
  {
    title: 'Hot Cross Buns',
    origin: 'English street cry (traditional)',
    notes:
      'E4 D4 C4:2 E4 D4 C4:2 C4:0.5 C4:0.5 C4:0.5 C4:0.5 D4:0.5 D4:0.5 D4:0.5 D4:0.5 E4 D4 C4:2',
  },
  {
    title: 'Jingle Bells (chorus)',
    origin: 'James Lord Pierpont (1857)',
    notes:
      'E4 E4 E4:2 E4 E4 E4:2 E4 G4 C4:1.5 D4:0.5 E4:4 F4 F4 F4:1.5 F4:0.5 F4 E4 E4 E4:0.5 E4:0.5 ' +
      'E4 D4 D4 E4 D4:2 G4:2 E4 E4 E4:2 E4 E4 E4:2 E4 G4 C4:1.5 D4:0.5 E4:4 ' +
      'F4 F4 F4:1.5 F4:0.5 F4 E4 E4 E4:0.5 E4:0.5 G4 G4 F4 D4 C4:4',
  },
  {
    title: 'Oh! Susanna',
    origin: 'Stephen Foster (1848)',
    notes:
      'C4:0.5 D4:0.5 E4 G4 G4:1.5 A4:0.5 G4 E4 C4:1.5 D4:0.5 E4 E4 D4 C4 D4:3 ' +
      'C4:0.5 D4:0.5 E4 G4 G4:1.5 A4:0.5 G4 E4 C4:1.5 D4:0.5 E4 E4 D4 D4 C4:4',
  },
  {
    title: 'Old MacDonald Had a Farm',
    origin: 'American folk song (published 1917)',
    notes: 'G4 G4 G4 D4 E4 E4 D4:2 B4 B4 A4 A4 G4:3 D4 G4 G4 G4 D4 E4 E4 D4:2 B4 B4 A4 A4 G4:4',
  },
  {
    title: 'When the Saints Go Marching In',
    origin: 'American spiritual (traditional)',
    notes:
      'C4 E4 F4 G4:4 C4 E4 F4 G4:4 C4 E4 F4 G4:2 E4:2 C4:2 E4:2 D4:4 ' +
      'E4 E4 D4 C4:3 C4 E4:2 G4:2 G4 F4:3 E4 F4 G4:2 E4:2 C4:2 D4:2 C4:4',
  },
  {
    title: 'Lullaby (Wiegenlied)',
    origin: 'Johannes Brahms, Op. 49 No. 4 (1868)',
    notes:
      'E4:0.5 E4:0.5 G4:2 E4:0.5 E4:0.5 G4:2 E4:0.5 G4:0.5 C5 B4:1.5 A4:0.5 A4 G4 ' +
      'D4:0.5 E4:0.5 F4 D4 D4:0.5 E4:0.5 F4:2 D4:0.5 F4:0.5 B4 A4 G4 B4 C5:3',
  },
];

const SEMITONE: Record<string, number> = { C: 0, D: 2, E: 4, F: 5, G: 7, A: 9, B: 11 };
const NAMES = ['C', 'C#', 'D', 'D#', 'E', 'F', 'F#', 'G', 'G#', 'A', 'A#', 'B'];

/** MIDI note number of a name like "C4" (60), "F#3", "Bb5"; -1 for "R" (a rest). */
export function midiOf(name: string): number {
  if (name === 'R') return -1;
  const m = /^([A-G])([#b]?)(-?\d)$/.exec(name);
  if (!m) throw new Error(`bad note name ${JSON.stringify(name)}`);
  const acc = m[2] === '#' ? 1 : m[2] === 'b' ? -1 : 0;
  return 12 * (Number(m[3]) + 1) + SEMITONE[m[1]] + acc;
}

export function nameOf(midi: number): string {
  if (midi < 0) return 'R';
  return `${NAMES[midi % 12]}${Math.floor(midi / 12) - 1}`;
}

/** Parses "C4 D4:0.5 R:2" into (MIDI pitch, beats) pairs; rests have pitch -1. */
export function parseNotes(notes: string): { pitch: number; beats: number }[] {
  return notes
    .trim()
    .split(/\s+/)
    .map((tok) => {
      const [name, len] = tok.split(':');
      const beats = len === undefined ? 1 : Number(len);
      if (!(beats > 0)) throw new Error(`bad note length in ${JSON.stringify(tok)}`);
      return { pitch: midiOf(name), beats };
    });
}
