// A Standard MIDI File's chunk layout checked before the library reads it: the library walks past
// the end of a truncated file reading undefined bytes, so a cut-off or corrupt file is caught
// here with what is wrong and where (the byte offset).

import { DataError } from '../errors';

export interface SmfHeader {
  format: number;
  tracks: number;
  /** Ticks per quarter note (SMPTE time division is refused). */
  ppq: number;
}

const text = (b: Uint8Array, at: number) => String.fromCharCode(b[at], b[at + 1], b[at + 2], b[at + 3]);
const u32 = (b: Uint8Array, at: number) => ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;
const u16 = (b: Uint8Array, at: number) => (b[at] << 8) | b[at + 1];

/** Checks the header and that every track chunk is whole and ends with End of Track; returns the header. */
export function checkChunks(file: string, b: Uint8Array): SmfHeader {
  if (b.length === 0) throw new DataError('empty', file, `${file}: the file is empty (0 bytes).`);
  if (b.length < 14 || text(b, 0) !== 'MThd') {
    throw new DataError('midi', file, `${file}: not a Standard MIDI File: it should start with "MThd"${b.length < 14 ? ` and is only ${b.length} bytes long` : ''}.`);
  }
  const headerLength = u32(b, 4);
  const format = u16(b, 8);
  const tracks = u16(b, 10);
  const division = u16(b, 12);
  if (headerLength < 6) throw new DataError('midi', file, `${file}: the MIDI header is ${headerLength} bytes long; it must be at least 6.`);
  if (format > 2) throw new DataError('midi', file, `${file}: MIDI format ${format} is not one of 0, 1 or 2.`);
  if (division & 0x8000) throw new DataError('midi', file, `${file}: the file counts time in SMPTE frames; only ticks per quarter note are read.`);
  if (division === 0) throw new DataError('midi', file, `${file}: the header says 0 ticks per quarter note.`);
  if (tracks === 0) throw new DataError('empty', file, `${file}: the MIDI header lists no tracks.`);
  let at = 8 + headerLength;
  for (let t = 0; t < tracks; t++) {
    if (at + 8 > b.length) throw new DataError('midi', file, `${file}: the file is truncated: the header lists ${tracks} tracks, but it ends after ${t} (byte ${b.length}).`);
    const id = text(b, at);
    const length = u32(b, at + 4);
    if (id !== 'MTrk') throw new DataError('midi', file, `${file}: track ${t + 1} at byte ${at} starts with ${JSON.stringify(id)}, not "MTrk": the file is corrupt.`);
    const end = at + 8 + length;
    if (end > b.length) throw new DataError('midi', file, `${file}: the file is truncated: track ${t + 1} says it holds ${length} bytes, but only ${b.length - at - 8} remain.`);
    if (length < 3 || b[end - 3] !== 0xff || b[end - 2] !== 0x2f || b[end - 1] !== 0x00) {
      throw new DataError('midi', file, `${file}: track ${t + 1} (bytes ${at}–${end}) does not end with an End of Track event: the file is corrupt or cut off.`);
    }
    at = end;
  }
  return { format, tracks, ppq: division };
}
