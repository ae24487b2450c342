/** One line of a chart. */
export interface ChartSeries {
  name: string;
  /** [unix seconds, value] pairs, as Prometheus returns them. */
  points: [number, number][];
}

/** A chart shows at most this many series, the first ones Prometheus returned. */
export const CHART_MAX_SERIES = 5;
/** The window a metric chart covers, ending now. */
export const CHART_WINDOW_MS = 3_600_000;

/** The range query's window for a chart drawn at `endMs`: the last CHART_WINDOW_MS, as ISO times. */
export function chartWindow(endMs: number): { start: string; end: string } {
  return { start: new Date(endMs - CHART_WINDOW_MS).toISOString(), end: new Date(endMs).toISOString() };
}

/** Prometheus range series as chart lines: named by their most telling labels, gaps (null values) dropped. */
export function chartSeries(series: { labels: Record<string, string>; values: [number, number | null][] }[]): ChartSeries[] {
  return series.slice(0, CHART_MAX_SERIES).map((s) => ({
    name: seriesName(s.labels),
    points: s.values.filter((p): p is [number, number] => p[1] !== null),
  }));
}

function seriesName(labels: Record<string, string>): string {
  const keys = ['pod', 'instance', 'job', 'namespace', 'service', 'deployment'].filter((k) => labels[k]);
  return keys.length ? keys.slice(0, 2).map((k) => `${k}=${labels[k]}`).join(', ') : labels.__name__ ?? 'value';
}
