import type { Alert } from './alert.js';
import type { ReportLink } from './incident.js';

/** Where Lookout's own integrations live, so a report can link to the alert's graph, issue and application. */
export interface LinkUrls {
  prometheus?: string;
  sentry?: { baseUrl: string; org: string };
  argocd?: string;
}

const SENTRY_ID_KEYS = ['sentry_issue_id', 'issue_id'];
const ARGOCD_APP_KEYS = ['argocd_application', 'argocd_app', 'app.kubernetes.io/instance'];
// Sentry issue ids are numeric or short ids (SHOP-1A); ArgoCD application names are RFC 1123 subdomains.
const SENTRY_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
const APP_NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

/** Prometheus graph, Sentry issue and ArgoCD application links for an alert; pure, and only safe http(s) URLs. */
export function reportLinks(alert: Alert, urls: LinkUrls = {}): ReportLink[] {
  const links: ReportLink[] = [];
  const add = (label: string, url: string | undefined) => {
    const safe = url && slackSafeUrl(url);
    if (safe && !links.some((l) => l.url === safe)) links.push({ label, url: safe });
  };
  add('Prometheus graph', prometheusLink(alert, urls.prometheus));
  add('Sentry issue', sentryLink(alert, urls.sentry));
  add('ArgoCD application', argocdLink(alert, urls.argocd));
  return links;
}

function prometheusLink(alert: Alert, prometheus: string | undefined): string | undefined {
  if (alert.generatorURL && isPrometheusGraph(alert.generatorURL)) return alert.generatorURL;
  if (!prometheus || !alert.query?.query) return undefined;
  return `${trimSlash(prometheus)}/graph?g0.expr=${encodeURIComponent(alert.query.query)}&g0.range_input=1h`;
}

function isPrometheusGraph(url: string): boolean {
  const parsed = parse(url);
  return Boolean(parsed && /\/graph\/?$/.test(parsed.pathname) && parsed.searchParams.has('g0.expr'));
}

function sentryLink(alert: Alert, sentry: LinkUrls['sentry']): string | undefined {
  if (alert.source === 'sentry' && alert.generatorURL) return alert.generatorURL;
  const id = pick({ ...alert.annotations, ...alert.labels }, SENTRY_ID_KEYS);
  if (id && sentry && SENTRY_ID.test(id)) {
    return `${trimSlash(sentry.baseUrl)}/organizations/${encodeURIComponent(sentry.org)}/issues/${encodeURIComponent(id)}/`;
  }
  return Object.values(alert.annotations).map((v) => /https?:\/\/[^\s<>|"']*sentry\.io\/[^\s<>|"']*/.exec(v)?.[0]).find(Boolean);
}

function argocdLink(alert: Alert, argocd: string | undefined): string | undefined {
  const app = pick(alert.labels, ARGOCD_APP_KEYS);
  if (!argocd || !app || !APP_NAME.test(app)) return undefined;
  return `${trimSlash(argocd)}/applications/${encodeURIComponent(app)}`;
}

/** The URL as the WHATWG parser serialises it (which encodes `<`, `>` and spaces), with `|` encoded too; else undefined. */
export function slackSafeUrl(url: string): string | undefined {
  const parsed = parse(url);
  if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') || parsed.username || parsed.password) return undefined;
  const href = parsed.href.replace(/\|/g, '%7C');
  return /[\s<>|]/.test(href) ? undefined : href;
}

function parse(url: string): URL | undefined {
  try {
    return new URL(url.trim());
  } catch {
    return undefined;
  }
}

const pick = (values: Record<string, string>, keys: string[]) => keys.map((k) => values[k]?.trim()).find((v) => v);
const trimSlash = (url: string) => url.replace(/\/+$/, '');
