/**
 * Prometheus context tools: instant and range PromQL queries over the HTTP API at PROMETHEUS_URL.
 * A missing configuration or a query Prometheus rejects is an answer (`ok: false`), so the incident goes on;
 * an unreachable or failing server throws, so Temporal retries the activity.
 */
import { ApplicationFailure } from '@temporalio/activity';
import type { ContextTool } from '../core/llm-prompt.js';
import type { Alert } from '../core/alert.js';
import type { PrometheusResult as PrometheusAnswer } from '../core/kubernetes-facts.js';
import { prometheusQueryPlan } from '../core/prometheus-queries.js';
import { redact } from '../core/redact.js';
import { boundResult, toApiResult } from './prometheus-result.js';
import type { PrometheusResult } from './prometheus-result.js';

export type { Point, PrometheusResult, ResultType, Series } from './prometheus-result.js';
export { MAX_POINTS, MAX_SERIES } from './prometheus-result.js';

/** Undefined when PROMETHEUS_URL is unset: the tools then say so instead of failing the incident. */
export interface PrometheusDeps {
  prometheus?: { baseUrl: string; fetch?: typeof fetch };
}

/** RFC 3339 (`2026-11-21T07:00:00Z`) or Unix seconds. */
export type TimeInput = string | number;

export interface PrometheusQueryInput {
  query: string;
  /** Evaluation time; Prometheus' "now" when absent. */
  time?: TimeInput;
}

export interface PrometheusRangeInput {
  query: string;
  start: TimeInput;
  end: TimeInput;
  /** Resolution; by default about 120 points over the range, at least 15 s. */
  stepSeconds?: number;
}

export interface CollectPrometheusFactsInput {
  alert: Pick<Alert, 'name' | 'annotations' | 'generatorURL' | 'target' | 'query'>;
}

/** The investigation's Prometheus evidence: each non-empty answer as the API's `data.result`; what went unanswered. */
export interface PrometheusFacts {
  results: PrometheusAnswer[];
  problems: string[];
}

export const NOT_CONFIGURED = 'Prometheus is not configured (set PROMETHEUS_URL)';
export const REQUEST_TIMEOUT_MS = 10_000;
const STEPS = [15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10_800, 21_600, 43_200, 86_400];

/** (end - start) / 120 rounded up to a step a person would pick (15 s, 30 s, 1 m, 2 m, 5 m, ... 1 d). */
export function defaultStepSeconds(start: number, end: number): number {
  const raw = (end - start) / 120;
  return STEPS.find((s) => s >= raw) ?? Math.ceil(raw / 86_400) * 86_400;
}

export function createPrometheusActivities({ prometheus }: PrometheusDeps) {
  /** Runs an instant PromQL query (`/api/v1/query`). */
  async function prometheusMetricsQuery({ query, time }: PrometheusQueryInput): Promise<PrometheusResult> {
    if (!prometheus?.baseUrl) return { ok: false, error: NOT_CONFIGURED };
    const params: Record<string, string> = { query };
    if (time !== undefined) {
      const at = toSeconds(time);
      if (at === undefined) return invalidTime('time', time);
      params.time = String(at);
    }
    return call('api/v1/query', params);
  }

  /**
   * Runs the alert's query plan (core/prometheus-queries.ts) as parallel instant queries. Never throws: a rejected
   * query or an unreachable server becomes a problem, so the report goes out with whatever was answered.
   */
  async function collectPrometheusFacts({ alert }: CollectPrometheusFactsInput): Promise<PrometheusFacts> {
    if (!prometheus?.baseUrl) return { results: [], problems: [NOT_CONFIGURED] };
    const plan = prometheusQueryPlan(alert);
    const answers = await Promise.all(plan.map(async ({ query }): Promise<{ query: string; answer: PrometheusResult | string }> => {
      try {
        return { query, answer: await prometheusMetricsQuery({ query }) };
      } catch (err) {
        return { query, answer: redact(err instanceof Error ? err.message : String(err)) };
      }
    }));
    const results: PrometheusAnswer[] = [];
    const problems = new Set<string>();
    for (const { query, answer } of answers) {
      if (typeof answer === 'string') problems.add(answer);
      else if (!answer.ok) problems.add(redact(`Prometheus could not answer ${shorten(query)}: ${answer.error}`));
      else if (answer.series.length) results.push({ query, result: toApiResult(answer) });
    }
    return { results, problems: [...problems] };
  }

  /** Runs a range PromQL query (`/api/v1/query_range`). */
  async function prometheusMetricsQueryRange(input: PrometheusRangeInput): Promise<PrometheusResult> {
    if (!prometheus?.baseUrl) return { ok: false, error: NOT_CONFIGURED };
    const start = toSeconds(input.start);
    const end = toSeconds(input.end);
    if (start === undefined) return invalidTime('start', input.start);
    if (end === undefined) return invalidTime('end', input.end);
    const step = input.stepSeconds ?? defaultStepSeconds(start, end);
    return call('api/v1/query_range', { query: input.query, start: String(start), end: String(end), step: String(step) });
  }

  async function call(path: string, params: Record<string, string>): Promise<PrometheusResult> {
    const { url, authorization } = endpoint(prometheus!.baseUrl, path);
    const doFetch = prometheus!.fetch ?? fetch;
    let response: Response;
    try {
      response = await doFetch(url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/x-www-form-urlencoded',
          Accept: 'application/json',
          ...(authorization ? { Authorization: authorization } : {}),
        },
        body: new URLSearchParams(params).toString(),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (err) {
      const timedOut = (err as Error)?.name === 'TimeoutError';
      const why = timedOut ? `no answer within ${REQUEST_TIMEOUT_MS / 1000} s` : causeOf(err);
      throw ApplicationFailure.retryable(redact(`Prometheus at ${url.origin} is unreachable: ${why}`), 'PrometheusUnreachable');
    }
    const text = await response.text();
    const body = parseJson(text);
    const apiError = body?.status === 'error' ? `${body.errorType ?? 'error'}: ${body.error ?? 'no message'}` : undefined;

    if (response.status >= 500 || response.status === 429) {
      const detail = apiError ?? (text.trim().slice(0, 200) || response.statusText);
      throw ApplicationFailure.retryable(redact(`Prometheus answered HTTP ${response.status}: ${detail}`), 'PrometheusUnavailable');
    }
    if (apiError) return { ok: false, error: redact(apiError) };
    if (!response.ok) return { ok: false, error: redact(httpProblem(response.status, url.pathname, text)) };
    if (body?.status !== 'success' || !body.data || typeof body.data !== 'object') {
      return { ok: false, error: redact(`Prometheus answered something that is not its HTTP API at ${url.pathname} (is PROMETHEUS_URL right?)`) };
    }
    return boundResult(body.data as { resultType?: unknown; result?: unknown });
  }

  return { prometheusMetricsQuery, prometheusMetricsQueryRange, collectPrometheusFacts };
}

function shorten(query: string): string {
  const oneLine = query.replace(/\s+/g, ' ').trim();
  return oneLine.length > 120 ? `${oneLine.slice(0, 119)}…` : oneLine;
}

/** Unix seconds from RFC 3339 or a number; undefined when neither. */
function toSeconds(value: TimeInput): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (/^\s*-?\d+(\.\d+)?\s*$/.test(value)) return Number(value);
  const ms = /^\d{4}-\d{2}-\d{2}T/.test(value) ? Date.parse(value) : NaN;
  return Number.isNaN(ms) ? undefined : ms / 1000;
}

function invalidTime(name: string, value: unknown): PrometheusResult {
  return { ok: false, error: redact(`${name}: cannot read ${JSON.stringify(value)} as RFC 3339 or Unix seconds`) };
}

/** fetch() refuses URLs with credentials: `https://user:pass@prom` becomes a Basic Authorization header. */
function endpoint(baseUrl: string, path: string): { url: URL; authorization?: string } {
  const base = new URL(baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
  let authorization: string | undefined;
  if (base.username || base.password) {
    const user = decodeURIComponent(base.username);
    const pass = decodeURIComponent(base.password);
    authorization = `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
    base.username = '';
    base.password = '';
  }
  return { url: new URL(path, base), authorization };
}

interface Envelope { status?: unknown; errorType?: unknown; error?: unknown; data?: unknown }

function parseJson(text: string): Envelope | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed && typeof parsed === 'object' ? (parsed as Envelope) : undefined;
  } catch {
    return undefined;
  }
}

function causeOf(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } })?.cause;
  return cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err));
}

function httpProblem(status: number, path: string, text: string): string {
  const hint = status === 401 || status === 403
    ? ' (Prometheus, or a proxy in front of it, wants credentials: put them in PROMETHEUS_URL as https://user:password@host)'
    : status === 404 ? ' (PROMETHEUS_URL should be the server\'s base URL, without /api/v1)' : '';
  return `Prometheus answered HTTP ${status} for ${path}${hint}: ${text.trim().slice(0, 200)}`;
}

/** The tools an LLM agent sees, by the names users see, mapped to the activities that run them. */
export const prometheusTools = {
  prometheus_metrics_query: {
    activity: 'prometheusMetricsQuery',
    description:
      'Run an instant PromQL query against Prometheus and get the value of each matching series at one time. ' +
      `At most 20 series are returned; use topk() or aggregation to narrow.`,
    inputSchema: {
      type: 'object',
      properties: {
        query: { type: 'string', description: 'PromQL expression, e.g. sum by (pod) (rate(container_cpu_usage_seconds_total{namespace="shop"}[5m]))' },
        time: {
          type: ['string', 'number'],
          description: 'Evaluation time as RFC 3339 or Unix seconds; defaults to now',
        },
      },
      required: ['query'],
      additionalProperties: false,
    },
  },
  prometheus_metrics_query_range: {
    activity: 'prometheusMetricsQueryRange',
    description:
      'Run a PromQL query over a time range and get each matching series as [unixSeconds, value] points ' +
      '(at most 20 series, 300 points each, downsampled evenly).',
    inputSchema: {
      type: 'object',
      properties: {
        query: { type: 'string', description: 'PromQL expression returning an instant vector (no [range] selector at the end)' },
        start: { type: ['string', 'number'], description: 'Range start as RFC 3339 or Unix seconds' },
        end: { type: ['string', 'number'], description: 'Range end as RFC 3339 or Unix seconds' },
        stepSeconds: {
          type: 'number',
          exclusiveMinimum: 0,
          description: 'Resolution in seconds; by default about 120 points over the range, at least 15',
        },
      },
      required: ['query', 'start', 'end'],
      additionalProperties: false,
    },
  },
} as const satisfies Record<string, PrometheusTool>;

export type PrometheusTool = ContextTool<keyof ReturnType<typeof createPrometheusActivities>>;

export type PrometheusToolName = keyof typeof prometheusTools;
