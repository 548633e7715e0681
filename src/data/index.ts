// The data layer's public API (engine side: no React, no DOM; safe inside a Web Worker).

export { parseFile, detectFormat } from './parse';
export type { ParseOptions, ParseResult, Detected, FileFormat } from './parse';
export type { DelimitedInfo, DelimiterChoice } from './parse/delimited';
export type { JsonInfo } from './parse/json';
export { idsToText } from './parse/text';
export { decodeBytes, firstInvalidUtf8 } from './encoding';
export type { Encoding, EncodingChoice } from './encoding';

export { DataError, isDataError } from './errors';
export type { DataErrorCode, DataErrorInfo, DataWarning, DataWarningCode, MissingFix } from './errors';
export { MAX_FILE_BYTES, MAX_FILE_LABEL, MAX_VOCAB, PREVIEW_ROWS, PREVIEW_CHARS, formatBytes } from './limits';

export { applyFix, countMissing, dropMissingRows, fillForward, fillForwardValues } from './fixes';
export { columnStats } from './stats';

export { denormalize, fitNormalizer, normalize } from './normalize';
export type { Normalization, Normalizer } from './normalize';
export { prepare, prepareSequences, prepareTable, prepareTokens, splitIndex, windowStarts } from './prep';
export type { DenseSet, PrepareSpec, Prepared, SampleSet, SequenceSpec, TableSpec, TokenSpec, TokenWindowSet, WindowSet } from './prep';
export { makeBatch } from './batches';

export { detectTimeColumns, formatTime, readTimeColumn } from './timeAxis';
export type { TimeAxis, TimeFormat, TimeUnit } from './timeAxis';
export { analyzeTable } from './columnRoles';
export type { ColumnInfo, ColumnRole, TableLayout } from './columnRoles';
export { detectKeys, pivotLong } from './longFormat';
export type { KeyColumn, PivotResult } from './longFormat';
export { indexReason } from './indexColumn';
export { fitWindow } from './fitWindow';
export type { FitNote, WindowFit } from './fitWindow';
export { scaleWarnings } from './scaleCheck';
export type { Batch } from './batches';

export { builtinInfo, fetchPublicFile, generateBuiltin, listBuiltins, makeBuiltin, resolveParams } from './builtin';
export { addingProblem, copyTask, digitsTask, melodies, sineMix } from './generators';
export type { BuiltinId, BuiltinInfo, BuiltinParam, BuiltinParams, FetchBytes, SuggestedSetup } from './builtin';
export { TUNES } from './melodies';

export type {
  ColumnStats,
  Dataset,
  LabelColumn,
  NoteToken,
  NumericColumn,
  ParseProgress,
  ProgressFn,
  SequenceDataset,
  TableDataset,
  TablePreview,
  TargetKind,
  Task,
  TokenDataset,
} from './types';

export { chunk, type Batch as SourceBatch, type BatchSource, type DataChoice, type LevelsAt } from './source';
export { defaultChoice, makeBatchSource } from './batchSource';
