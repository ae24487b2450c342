/**
 * The query semantics of the Prometheus test server: parameter parsing with Prometheus' own error texts, and
 * answering instant and range queries from stored results (no PromQL engine: a query is looked up by its text).
 */

export type Sample = [number, string];
export interface VectorSeries { metric: Record<string, string>; value: Sample }
export interface MatrixSeries { metric: Record<string, string>; values: Sample[] }
export type StoredSeries = VectorSeries | MatrixSeries;

export interface StoredQuery {
  query: string;
  /** `data.result` as the API returns it: vector items (`value`) or matrix items (`values`). */
  result: unknown[];
}

export type ErrorType = 'bad_data' | 'execution' | 'timeout' | 'canceled' | 'internal' | 'unavailable' | 'not_found';

/** An API error: HTTP status plus the envelope's errorType and text. */
export class PromApiError extends Error {
  constructor(readonly status: number, readonly errorType: ErrorType, message: string) {
    super(message);
  }
}

/** Prometheus' HTTP status for each errorType (web/api/v1 returnAPIError). */
export const STATUS_OF: Record<ErrorType, number> = {
  bad_data: 400, execution: 422, canceled: 499, unavailable: 503, timeout: 503, internal: 500, not_found: 404,
};

export function errorTypeFor(status: number): ErrorType {
  const found = (Object.entries(STATUS_OF) as [ErrorType, number][]).find(([, s]) => s === status);
  return found ? found[0] : status >= 500 ? 'internal' : 'bad_data';
}

const badData = (message: string) => new PromApiError(400, 'bad_data', message);
const invalidParam = (name: string, message: string) => badData(`invalid parameter "${name}": ${message}`);

/** Staleness: an instant lookup sees the newest sample at most 5 minutes old, as Prometheus' lookback delta. */
export const LOOKBACK_SECONDS = 300;
/** Prometheus rejects range queries with more than this many steps. */
export const MAX_POINTS = 11_000;

/** Unix seconds (float) or RFC 3339, as Prometheus' parseTime accepts. */
export function parseTime(raw: string, name: string): number {
  const seconds = Number(raw);
  if (raw.trim() !== '' && Number.isFinite(seconds)) return seconds;
  const rfc3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
  const ms = rfc3339.test(raw) ? Date.parse(raw) : NaN;
  if (Number.isNaN(ms)) throw invalidParam(name, `cannot parse "${raw}" to a valid timestamp`);
  return ms / 1000;
}

const UNIT_SECONDS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86_400, w: 604_800, y: 31_536_000 };

/** Float seconds or a Prometheus duration such as `15s`, `1m30s`, `1h`. */
export function parseDuration(raw: string, name: string): number {
  const seconds = Number(raw);
  if (raw.trim() !== '' && Number.isFinite(seconds)) return seconds;
  const parts = /^((\d+)y)?((\d+)w)?((\d+)d)?((\d+)h)?((\d+)m)?((\d+)s)?((\d+)ms)?$/.exec(raw);
  if (!raw || !parts) throw invalidParam(name, `cannot parse "${raw}" to a valid duration`);
  const units = ['y', 'w', 'd', 'h', 'm', 's', 'ms'];
  return units.reduce((sum, unit, i) => sum + Number(parts[2 * i + 2] ?? 0) * UNIT_SECONDS[unit], 0);
}

/** Not a PromQL parser: catches an empty query and unbalanced brackets or quotes, with PromQL's wording. */
export function checkQuery(query: string): void {
  if (!query.trim()) throw invalidParam('query', '1:1: parse error: no expression found in input');
  const open: { ch: string; at: number }[] = [];
  const pairs: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
  const names: Record<string, string> = { '(': 'parenthesis', '[': 'bracket', '{': 'brace' };
  for (let i = 0; i < query.length; i++) {
    const ch = query[i];
    if (ch === '"' || ch === "'" || ch === '`') {
      const end = query.indexOf(ch, i + 1);
      if (end < 0) throw invalidParam('query', `1:${i + 1}: parse error: unterminated quoted string`);
      i = end;
    } else if (ch in names) {
      open.push({ ch, at: i });
    } else if (ch in pairs) {
      if (open.pop()?.ch !== pairs[ch]) throw invalidParam('query', `1:${i + 1}: parse error: unexpected "${ch}"`);
    }
  }
  const unclosed = open.pop();
  if (unclosed) throw invalidParam('query', `1:${unclosed.at + 1}: parse error: unclosed left ${names[unclosed.ch]}`);
}

/** A range selector or subquery at the end of the expression makes a range vector (`rate(x[5m])` does not). */
export function isRangeVectorQuery(query: string): boolean {
  return /\]\s*(offset\s+-?\w+\s*)?(@\s*\S+\s*)?$/.test(query.trim());
}

function isMatrixSeries(s: StoredSeries): s is MatrixSeries {
  return Array.isArray((s as MatrixSeries).values);
}

const toSample = (t: number, v: string): Sample => [Math.round(t * 1000) / 1000, v];

/** The newest sample at or before `t` within the lookback window. */
function sampleAt(values: Sample[], t: number): Sample | undefined {
  let found: Sample | undefined;
  for (const s of values) {
    if (s[0] <= t && s[0] > t - LOOKBACK_SECONDS) found = s;
    if (s[0] > t) break;
  }
  return found;
}

export interface InstantAnswer { resultType: 'vector' | 'matrix'; result: StoredSeries[] }

/**
 * An instant query. A stored vector is answered at the evaluation time; a stored matrix is returned as is for a
 * range-vector query, otherwise it is evaluated at `time`. Without `time`, the snapshot's own newest samples answer
 * (real Prometheus would use "now", which for a recorded scenario is usually long after its data).
 */
export function instantQuery(stored: StoredSeries[] | undefined, query: string, time: number | undefined): InstantAnswer {
  const rangeVector = isRangeVectorQuery(query);
  if (!stored) return { resultType: rangeVector ? 'matrix' : 'vector', result: [] };
  if (rangeVector) return { resultType: 'matrix', result: stored.filter(isMatrixSeries) };
  const result: VectorSeries[] = [];
  for (const s of stored) {
    if (!isMatrixSeries(s)) {
      result.push({ metric: s.metric, value: time === undefined ? s.value : toSample(time, s.value[1]) });
      continue;
    }
    const sample = time === undefined ? s.values.at(-1) : sampleAt(s.values, time);
    if (sample) result.push({ metric: s.metric, value: time === undefined ? sample : toSample(time, sample[1]) });
  }
  return { resultType: 'vector', result };
}

export interface RangeParams { start: number; end: number; step: number }

/** Validates a range query's parameters in Prometheus' order, with its messages. */
export function checkRange(query: string, { start, end, step }: RangeParams): void {
  if (end < start) throw invalidParam('end', 'end timestamp must not be before start time');
  if (step <= 0) {
    throw invalidParam('step', 'zero or negative query resolution step widths are not accepted. Try a positive integer');
  }
  if (Math.floor((end - start) / step) > MAX_POINTS) {
    throw badData('exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)');
  }
  checkQuery(query);
  if (isRangeVectorQuery(query)) {
    throw badData('invalid expression type "range vector" for range query, must be Scalar or instant Vector');
  }
}

/**
 * A range query evaluated at start, start+step, ... <= end: a stored vector holds its value over the whole range,
 * a stored matrix is sampled at each step with the lookback window. Series without any point are left out.
 */
export function rangeQuery(stored: StoredSeries[] | undefined, { start, end, step }: RangeParams): MatrixSeries[] {
  const steps: number[] = [];
  for (let i = 0; start + i * step <= end; i++) steps.push(start + i * step);
  const result: MatrixSeries[] = [];
  for (const s of stored ?? []) {
    const values = isMatrixSeries(s)
      ? steps.flatMap((t) => { const found = sampleAt(s.values, t); return found ? [toSample(t, found[1])] : []; })
      : steps.map((t) => toSample(t, s.value[1]));
    if (values.length) result.push({ metric: s.metric, values });
  }
  return result;
}

/** Checks a scenario's `result` array has the API's shapes, so a bad scenario fails loudly when loaded. */
export function validateSeries(query: string, result: unknown[]): StoredSeries[] {
  if (!Array.isArray(result)) throw new Error(`prometheus query ${JSON.stringify(query)}: result must be an array`);
  return result.map((item, i) => {
    const where = `prometheus query ${JSON.stringify(query)}, result[${i}]`;
    const s = item as Partial<VectorSeries & MatrixSeries>;
    if (!s || typeof s !== 'object' || !s.metric || typeof s.metric !== 'object') throw new Error(`${where}: needs a metric object`);
    const isSample = (v: unknown) => Array.isArray(v) && v.length === 2 && typeof v[0] === 'number' && typeof v[1] === 'string';
    if (Array.isArray(s.values)) {
      if (!s.values.every(isSample)) throw new Error(`${where}: values must be [unixSeconds, "value"] pairs`);
      return { metric: s.metric, values: [...s.values].sort((a, b) => a[0] - b[0]) };
    }
    if (!isSample(s.value)) throw new Error(`${where}: needs value [unixSeconds, "value"] or values [...]`);
    return { metric: s.metric, value: s.value! };
  });
}

/**
 * Stored queries are found by their text with whitespace normalised as PromQL reads it: outside string literals a run
 * of whitespace is one space between two word characters (`a or b` is not `aorb`) and nothing elsewhere
 * (`sum by(pod)` is `sum by (pod)`); inside a string literal it is kept as written (`"a  b"` is not `"a b"`).
 */
export function queryKey(query: string): string {
  let key = '';
  let pendingSpace = false;
  const word = /[\w.]/;
  for (let i = 0; i < query.length; i++) {
    const ch = query[i];
    if (/\s/.test(ch)) { pendingSpace = true; continue; }
    if (pendingSpace && key && word.test(key.at(-1)!) && word.test(ch)) key += ' ';
    pendingSpace = false;
    if (ch === '"' || ch === "'" || ch === '`') {
      let end = i + 1;
      while (end < query.length && query[end] !== ch) end += ch !== '`' && query[end] === '\\' ? 2 : 1;
      key += query.slice(i, end + 1);
      i = end;
    } else {
      key += ch;
    }
  }
  return key;
}
