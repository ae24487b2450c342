/** Turns a Prometheus `data` object into the tools' bounded, plain-JSON, redacted result. */
import { redact } from '../core/redact.js';

export const MAX_SERIES = 20;
export const MAX_POINTS = 300;

export type ResultType = 'vector' | 'matrix' | 'scalar' | 'string';

/** `[unix seconds, value]`; NaN and ±Inf (which JSON cannot carry) become null. */
export type Point = [number, number | null];

export interface Series {
  labels: Record<string, string>;
  values: Point[];
}

export type PrometheusResult =
  | { ok: true; resultType: ResultType; series: Series[]; truncated?: true; note?: string }
  | { ok: false; error: string };

type RawSample = [number, string];
interface RawSeries { metric?: Record<string, string>; value?: RawSample; values?: RawSample[] }

const point = ([t, v]: RawSample): Point => {
  const n = Number(v);
  return [Number(t), Number.isFinite(n) ? n : null];
};

/** `count` indices spread evenly over `length`, first and last included. */
export function evenIndices(length: number, count: number): number[] {
  if (length <= count) return Array.from({ length }, (_, i) => i);
  if (count <= 1) return [length - 1];
  return Array.from({ length: count }, (_, i) => Math.round((i * (length - 1)) / (count - 1)));
}

function labelsOf(metric: Record<string, string> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(metric ?? {}).map(([k, v]) => [redact(k), redact(String(v))]));
}

/** Normalises and bounds `data` from /api/v1/query or /api/v1/query_range. */
export function boundResult(data: { resultType?: unknown; result?: unknown }): PrometheusResult {
  const resultType = data.resultType as ResultType;
  let series: Series[];
  if (resultType === 'scalar') {
    series = [{ labels: {}, values: [point(data.result as RawSample)] }];
  } else if (resultType === 'string') {
    // A string result has no number: its text is the answer.
    const [t, text] = data.result as RawSample;
    series = [{ labels: { value: redact(text) }, values: [[Number(t), null]] }];
  } else if (resultType === 'vector' || resultType === 'matrix') {
    series = (data.result as RawSeries[]).map((s) => ({
      labels: labelsOf(s.metric),
      values: (s.values ?? (s.value ? [s.value] : [])).map(point),
    }));
  } else {
    return { ok: false, error: redact(`Prometheus answered an unknown resultType ${JSON.stringify(data.resultType)}`) };
  }

  const notes: string[] = [];
  if (series.length > MAX_SERIES) {
    notes.push(`showing ${MAX_SERIES} of ${series.length} series (narrow the query with topk() or sum by ())`);
    series = series.slice(0, MAX_SERIES);
  }
  const longest = Math.max(0, ...series.map((s) => s.values.length));
  if (longest > MAX_POINTS) {
    notes.push(`points downsampled evenly to at most ${MAX_POINTS} per series (from up to ${longest})`);
    series = series.map((s) => ({ ...s, values: evenIndices(s.values.length, MAX_POINTS).map((i) => s.values[i]) }));
  }
  return notes.length
    ? { ok: true, resultType, series, truncated: true, note: notes.join('; ') }
    : { ok: true, resultType, series };
}

type ApiSeries =
  | { metric: Record<string, string>; value: [number, string] }
  | { metric: Record<string, string>; values: [number, string][] };

/**
 * A bounded answer back in the API's `data.result` shape, which the analyser and scenario files speak: vector items
 * carry `value`, matrix items `values`; a scalar or string becomes one unlabelled vector item; null is "NaN".
 */
export function toApiResult(result: Extract<PrometheusResult, { ok: true }>): ApiSeries[] {
  const sample = ([t, v]: Point): [number, string] => [t, v === null ? 'NaN' : String(v)];
  return result.series.map((s) => (result.resultType === 'matrix'
    ? { metric: s.labels, values: s.values.map(sample) }
    : { metric: s.labels, value: sample(s.values[0] ?? [0, null]) }));
}
