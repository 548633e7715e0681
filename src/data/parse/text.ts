// Plain text, character by character: a vocabulary of the characters the file uses, and their ids.

import { DataError } from '../errors';
import { MAX_VOCAB, PREVIEW_CHARS } from '../limits';
import type { ProgressFn, TokenDataset } from '../types';

export interface TextOptions {
  /** Most distinct characters allowed (default MAX_VOCAB). */
  maxVocab?: number;
}

/** Builds a character vocabulary (sorted by code point) and the id of every character. */
export function parseText(
  file: string,
  input: string,
  opts: TextOptions = {},
  onProgress?: ProgressFn,
  progress: [number, number] = [0, 1],
): TokenDataset {
  const text = input.indexOf('\r') >= 0 ? input.replace(/\r\n?/g, '\n') : input;
  if (text.trim() === '') {
    const what = text.length === 0 ? 'is empty' : 'contains only blank space';
    throw new DataError('empty', file, `${file}: the file ${what}.`);
  }
  const maxVocab = Math.min(65535, opts.maxVocab ?? MAX_VOCAB);
  const [p0, p1] = progress;

  // Pass 1: count code points (BMP in a table, astral ones in a map).
  const bmp = new Int32Array(65536);
  const astral = new Map<number, number>();
  let length = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        const cp = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        astral.set(cp, (astral.get(cp) ?? 0) + 1);
        i++;
        length++;
        continue;
      }
    }
    bmp[c]++;
    length++;
  }
  onProgress?.({ phase: 'parsing', fraction: p0 + (p1 - p0) * 0.5, rows: length });

  const codePoints: number[] = [];
  for (let c = 0; c < 65536; c++) if (bmp[c] > 0) codePoints.push(c);
  for (const cp of [...astral.keys()].sort((a, b) => a - b)) codePoints.push(cp);
  if (codePoints.length > maxVocab) {
    throw new DataError(
      'vocab-too-large',
      file,
      `${file}: the text uses ${codePoints.length} different characters; the limit is ${maxVocab}. ` +
        'A character-level model needs a small alphabet.',
    );
  }

  const vocab = codePoints.map((cp) => String.fromCodePoint(cp));
  const counts = new Int32Array(vocab.length);
  const bmpId = new Int32Array(65536).fill(-1);
  const astralId = new Map<number, number>();
  codePoints.forEach((cp, id) => {
    if (cp < 65536) {
      bmpId[cp] = id;
      counts[id] = bmp[cp];
    } else {
      astralId.set(cp, id);
      counts[id] = astral.get(cp)!;
    }
  });

  // Pass 2: ids.
  const ids = new Uint16Array(length);
  let k = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        ids[k++] = astralId.get(0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00))!;
        i++;
        continue;
      }
    }
    ids[k++] = bmpId[c];
  }
  onProgress?.({ phase: 'parsing', fraction: p1, rows: length });

  return {
    kind: 'tokens',
    name: file,
    unit: 'character',
    vocab,
    ids,
    counts,
    preview: text.slice(0, PREVIEW_CHARS),
  };
}

/** Turns ids back into text (for samples the model writes). */
export function idsToText(vocab: string[], ids: ArrayLike<number>): string {
  let s = '';
  for (let i = 0; i < ids.length; i++) s += vocab[ids[i]] ?? '\ufffd';
  return s;
}
