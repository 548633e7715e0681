// Limits the UI states up front, so a user knows before picking a file.

/** Largest file Timestep will read: 50 MB (50 × 1024 × 1024 bytes). */
export const MAX_FILE_BYTES = 50 * 1024 * 1024;
/** The limit in words, for the upload box: "50 MB". */
export const MAX_FILE_LABEL = '50 MB';

/** Most distinct characters (or tokens) a text file may use: one softmax output per token. */
export const MAX_VOCAB = 1024;

/** Rows shown in a table preview. */
export const PREVIEW_ROWS = 20;
/** Characters shown in a text preview. */
export const PREVIEW_CHARS = 2000;

/** Largest magnitude a 32-bit float holds; a value beyond it becomes Infinity on the GPU. */
export const FLOAT32_MAX = 3.4028234663852886e38;

/** Formats a byte count for messages: "812 bytes", "3.4 KB", "62.5 MB". */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} byte${n === 1 ? '' : 's'}`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MB`;
}
