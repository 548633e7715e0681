// Test-only: Standard MIDI Files written byte by byte, so the parser's tests control every byte
// (running status, a missing End of Track, a cut-off chunk) rather than trusting a writer.

/** A variable-length quantity: 7 bits per byte, high bit set on all but the last. */
export function vlq(n: number): number[] {
  const out = [n & 0x7f];
  for (n >>>= 7; n > 0; n >>>= 7) out.unshift((n & 0x7f) | 0x80);
  return out;
}

const u32 = (n: number) => [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));

/** A track chunk from raw event bytes (delta times included); End of Track appended unless `noEnd`. */
export function trackChunk(events: number[], noEnd = false): number[] {
  const body = noEnd ? events : [...events, 0, 0xff, 0x2f, 0];
  return [...ascii('MTrk'), ...u32(body.length), ...body];
}

export function smf(format: number, ppq: number, tracks: number[][]): Uint8Array {
  return Uint8Array.from([...ascii('MThd'), ...u32(6), 0, format, 0, tracks.length, (ppq >> 8) & 255, ppq & 255, ...tracks.flat()]);
}

export const meta = {
  name: (s: string) => [0, 0xff, 0x03, s.length, ...ascii(s)],
  /** microseconds per quarter note */
  tempo: (delta: number, bpm: number) => {
    const us = Math.round(60e6 / bpm);
    return [...vlq(delta), 0xff, 0x51, 3, (us >> 16) & 255, (us >> 8) & 255, us & 255];
  },
  timeSignature: (delta: number, n: number, d: number) => [...vlq(delta), 0xff, 0x58, 4, n, Math.log2(d), 24, 8],
};

/**
 * Notes one after another on `channel` (0-based), each `(pitch, ticks)`, a note-off as a
 * note-on of velocity 0; with `running`, status bytes after the first are left out.
 */
export function noteEvents(channel: number, notes: Array<[number, number]>, running = false): number[] {
  const on = 0x90 | channel;
  const out: number[] = [];
  let first = true;
  for (const [pitch, ticks] of notes) {
    out.push(0, ...(running && !first ? [] : [on]), pitch, 80);
    first = false;
    out.push(...vlq(ticks), ...(running ? [] : [on]), pitch, 0);
  }
  return out;
}
