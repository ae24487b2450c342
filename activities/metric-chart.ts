import { chartSeries, chartWindow } from '../core/chart-series.js';
import type { createPrometheusActivities } from './prometheus.js';
import type { createSlackActivities } from './slack.js';

/** The Prometheus and Slack activities chartMetric is made of (real ones in the worker, recording fakes in tests). */
export type MetricChartParts = Pick<ReturnType<typeof createPrometheusActivities>, 'prometheusMetricsQueryRange'>
  & Pick<ReturnType<typeof createSlackActivities>, 'uploadChart'>;

export interface MetricChartInput {
  teamId?: string;
  channel: string;
  threadTs: string;
  title: string;
  query: string;
  /** The alert rule's threshold, drawn as a line. */
  threshold?: number;
}

/**
 * The alert's expression over the last hour, read and uploaded to the thread as a chart in one activity: the series
 * never pass through the workflow's history. Nothing is posted when Prometheus has no data for it.
 */
export function createMetricChartActivity(parts: MetricChartParts) {
  return {
    async chartMetric({ teamId, channel, threadTs, title, query, threshold }: MetricChartInput): Promise<{ posted: boolean }> {
      const range = await parts.prometheusMetricsQueryRange({ query, ...chartWindow(Date.now()) });
      if (!range.ok || !range.series.length) return { posted: false };
      await parts.uploadChart({ teamId, channel, threadTs, title, series: chartSeries(range.series), threshold });
      return { posted: true };
    },
  };
}
