/**
 * The one door every Sentry and ArgoCD tool result goes out through: secrets redacted, text bounded, and the HTTP
 * call shared (10 s timeout; 5xx, 429 and network failures throw so Temporal retries; other answers are returned).
 */
import { ApplicationFailure } from '@temporalio/activity';
// The single import point of redaction for the integration tools: point it elsewhere here, nowhere else.
import { redact } from '../core/redact.js';

export const REQUEST_TIMEOUT_MS = 10_000;

/** Text with every secret replaced, safe to hand to Slack, the LLM or Temporal's history. */
export function clean(text: string): string {
  return redact(text);
}

/** `clean` over every string in a JSON-like value (keys included). */
export function cleanDeep<T>(value: T): T {
  if (typeof value === 'string') return clean(value) as T;
  if (Array.isArray(value)) return value.map((v) => cleanDeep(v)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [clean(k), cleanDeep(v)])) as T;
  }
  return value;
}

/** At most `max` characters, with an ellipsis when cut; undefined and non-strings stay undefined. */
export function truncate(value: unknown, max: number): string | undefined {
  if (typeof value !== 'string') return undefined;
  return value.length > max ? `${value.slice(0, max - 1)}…` : value;
}

export interface ApiAnswer {
  status: number;
  headers: Headers;
  /** Parsed JSON, or undefined when the body is not JSON. */
  body: unknown;
  text: string;
}

export interface ApiCall {
  /** "Sentry", "ArgoCD": names the service in errors. */
  service: string;
  url: URL;
  token: string;
  method?: 'GET' | 'POST';
  json?: unknown;
  fetch?: typeof fetch;
}

/** One bearer-authenticated JSON request. Throws a retryable failure when the service is unreachable or failing. */
export async function callApi({ service, url, token, method = 'GET', json, fetch: doFetch = fetch }: ApiCall): Promise<ApiAnswer> {
  let response: Response;
  let text: string;
  try {
    response = await doFetch(url, {
      method,
      headers: {
        Accept: 'application/json',
        Authorization: `Bearer ${token}`,
        ...(json === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: json === undefined ? undefined : JSON.stringify(json),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    text = await response.text();
  } catch (err) {
    const timedOut = (err as Error)?.name === 'TimeoutError';
    const why = timedOut ? `no answer within ${REQUEST_TIMEOUT_MS / 1000} s` : causeOf(err);
    throw ApplicationFailure.retryable(clean(`${service} at ${url.origin} is unreachable: ${why}`), `${service}Unreachable`);
  }
  if (response.status >= 500 || response.status === 429) {
    const detail = text.trim().slice(0, 200) || response.statusText;
    throw ApplicationFailure.retryable(clean(`${service} answered HTTP ${response.status} for ${url.pathname}: ${detail}`), `${service}Unavailable`);
  }
  return { status: response.status, headers: response.headers, body: parseJson(text), text };
}

/** The base URL as a directory, so relative API paths resolve under it (`https://host/sentry` + `api/0/...`). */
export function baseOf(baseUrl: string, strip?: RegExp): URL {
  let href = baseUrl.trim();
  if (strip) href = href.replace(strip, '');
  return new URL(href.endsWith('/') ? href : `${href}/`);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function causeOf(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } })?.cause;
  return cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err));
}
