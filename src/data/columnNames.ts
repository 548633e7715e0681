// What a column's name says about it: the words in it ("unixTime" and "unix_time" both give
// unix, time), whether it names time, an identifier, or nothing at all (an empty header cell).

/** The lower-case words of a column name, split at non-letters and at camelCase joins. */
export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9#]+/)
    .filter((w) => w !== '');
}

const YEAR_WORDS = new Set(['year', 'years', 'yr', 'yyyy', 'date', 'time', 'period', 'jahr', 'anno', 'annee', 'ano']);
const UNIX_WORDS = new Set(['time', 'timestamp', 'epoch', 'date', 'datetime', 'ts', 'unix', 'utc']);
const ID_WORDS = new Set(['id', 'ids', 'idx', 'index', 'row', 'rowid', 'rownum', 'fips', 'uid', 'uuid', 'serial']);

/** A name that says the column holds years: "year", "Year", "fiscal_yr", "date". */
export function isYearName(name: string): boolean {
  return nameWords(name).some((w) => YEAR_WORDS.has(w));
}

/** A name that says the column holds Unix times: "timestamp", "created_ts", "unixTime", "starttime". */
export function isUnixName(name: string): boolean {
  return nameWords(name).some((w) => UNIX_WORDS.has(w) || w.endsWith('time') || w.endsWith('stamp'));
}

/** A name that says the column holds identifiers or row numbers: "id", "county_id", "row", "#", "No.". */
export function isIdName(name: string): boolean {
  return /^(#|no\.?|nr\.?|n°)$/i.test(name.trim()) || nameWords(name).some((w) => ID_WORDS.has(w));
}

/** A column without a name of its own: an empty header cell ("column 3") or pandas' "Unnamed: 0". */
export function isUnnamed(name: string): boolean {
  return /^column \d+$/.test(name) || /^unnamed:? ?\d*$/i.test(name.trim()) || name.trim() === '';
}
