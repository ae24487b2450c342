/** Rules for metric alerts: CPU, memory, error rate and latency, read from the alert, pod metrics and Prometheus. */
import type { Category, Diagnosis } from '../diagnosis.js';
import type { PodLike } from '../kubernetes-facts.js';
import {
  allLogText, finish, logSignatures, parseQuantity, percent, podRef, raiseMemory, recentRevision, revisionEvidence, undoProposal,
  type Proposal,
} from './common.js';
import { MAX_REPLICAS } from '../proposals.js';
import { alertExpr, podsOf, type RuleContext } from './context.js';

type Signal = 'HighCPU' | 'HighMemory' | 'HighErrorRate' | 'HighLatency';

/** What the alert measures, from its name first, then its PromQL. */
export function signalOf(ctx: RuleContext): Signal | undefined {
  const name = ctx.alert.name;
  const expr = alertExpr(ctx.alert);
  if (/latency|slow|duration|p9\d|responsetime/i.test(name)) return 'HighLatency';
  if (/error|5xx|fail(ure|ed)?rate|availability|slo/i.test(name)) return 'HighErrorRate';
  if (/cpu|throttl/i.test(name)) return 'HighCPU';
  if (/mem|working.?set|rss/i.test(name)) return 'HighMemory';
  if (/histogram_quantile|_duration_seconds|latency/.test(expr)) return 'HighLatency';
  if (/(status|code)(_code)?=~?"5|5xx|errors?_total/.test(expr)) return 'HighErrorRate';
  if (/cpu_usage|cpu_cfs_throttled|cpu_seconds/.test(expr)) return 'HighCPU';
  if (/memory_working_set|memory_rss|memory_usage/.test(expr)) return 'HighMemory';
  return undefined;
}

interface Usage { pod: PodLike; used: number; limit?: number; text: string }

function usage(ctx: RuleContext, resource: 'cpu' | 'memory'): Usage[] {
  return podsOf(ctx).flatMap((pod) => {
    const raw = ctx.facts.metrics?.[`${pod.metadata?.namespace}/${pod.metadata?.name}`]?.[resource];
    const used = parseQuantity(raw);
    if (used === undefined) return [];
    const limits = (pod.spec?.containers ?? []).map((c) => c.resources?.limits?.[resource] ?? c.resources?.requests?.[resource]);
    const limit = limits.every((l) => l) ? limits.reduce((n, l) => n + (parseQuantity(l) ?? 0), 0) : undefined;
    const text = `Pod ${podRef(pod)} uses ${raw} ${resource}${limit ? ` of ${limits.join('+')} (${percent(used, limit)})` : ''}`;
    return [{ pod, used, limit, text }];
  });
}

interface Series { labels: string; values: number[] }

/** Each series Prometheus returned (vector or matrix), its values oldest first. */
function promSeries(ctx: RuleContext): { query: string; series: Series[] }[] {
  return (ctx.facts.prometheus ?? []).map(({ query, result }) => ({
    query,
    series: result.map((r) => {
      const s = r as { metric?: Record<string, string>; value?: [number, string]; values?: [number, string][] };
      const m = s.metric ?? {};
      const labels = m.pod ? `pod=${m.pod}` : Object.entries(m).filter(([k]) => k !== '__name__').map(([k, v]) => `${k}=${v}`).slice(0, 2).join(',');
      return { labels, values: (s.values ?? (s.value ? [s.value] : [])).map((v) => Number(v[1])).filter(Number.isFinite) };
    }).filter((x) => x.values.length),
  })).filter((p) => p.series.length);
}

function fmt(n: number, bytes: boolean): string {
  if (bytes && n >= 2 ** 20) return n >= 2 ** 30 ? `${(n / 2 ** 30).toFixed(2)}Gi` : `${Math.round(n / 2 ** 20)}Mi`;
  return Math.abs(n) >= 100 ? n.toFixed(0) : Number(n.toPrecision(3)).toString();
}

function promLine(query: string, series: Series[]): string {
  const bytes = /bytes/.test(query);
  const text = series.length === 1 && series[0].values.length > 1
    ? (() => { const v = series[0].values; return `min ${fmt(Math.min(...v), bytes)}, max ${fmt(Math.max(...v), bytes)}, last ${fmt(v.at(-1)!, bytes)} over ${v.length} samples`; })()
    : [...series].sort((a, b) => b.values.at(-1)! - a.values.at(-1)!).slice(0, 4)
      .map((x) => `${x.labels ? `${x.labels}: ` : ''}${fmt(x.values.at(-1)!, bytes)}`).join('; ');
  return `Prometheus ${query.slice(0, 120)} = ${text}`;
}

export function signalRule(ctx: RuleContext): Diagnosis | undefined {
  const signal = signalOf(ctx);
  if (!signal) return undefined;
  const { alert, facts } = ctx;
  const expr = alertExpr(alert);
  const evidence = [
    `Alert ${alert.name} (${alert.severity}): ${alert.summary}`,
    ...(expr ? [`Rule: ${expr.slice(0, 200)}`] : []),
    ...promSeries(ctx).map((p) => promLine(p.query, p.series)),
  ];
  const change = recentRevision(facts, alert.startsAt);
  if (change) evidence.push(revisionEvidence(change));
  const d = facts.deployment;
  const name = ctx.deployment;
  const target = { kind: 'Deployment' as const, namespace: ctx.namespace, name, uid: d?.metadata?.uid };
  const proposals: Proposal[] = [];
  const resource = signal === 'HighMemory' ? 'memory' : 'cpu';
  const used = usage(ctx, resource);
  evidence.push(...used.map((u) => u.text));
  const ratios = used.filter((u) => u.limit).map((u) => ({ ...u, ratio: u.used / u.limit! }));
  const hot = ratios.filter((r) => r.ratio >= 0.8);
  const oneHotPod = hot.length === 1 && ratios.length > 1 && ratios.filter((r) => r.ratio < 0.5).length === ratios.length - 1;
  const podDelete = (pod: PodLike, why: string): Proposal => ({
    action: 'pods_delete', target: { kind: 'Pod', namespace: pod.metadata?.namespace, name: pod.metadata?.name, uid: pod.metadata?.uid }, params: {}, rationale: why,
  });
  const scale = (): Proposal | undefined => {
    const replicas = d?.spec?.replicas;
    if (!name || replicas === undefined || replicas < 1) return undefined;
    const to = Math.min(Math.max(replicas + 1, Math.ceil(replicas * 1.5)), replicas * 2, replicas + 10, MAX_REPLICAS);
    if (to <= replicas) return undefined;
    return {
      action: 'deployments_scale', target, params: { replicas: to },
      rationale: `CPU stays saturated across ${hot.length || 'all'} of ${ratios.length || replicas} pods; ${replicas} → ${to} replicas spreads the load (+50%, capped at double).`,
    };
  };
  let summary: string;
  let advice: string;
  const category: Category = signal;
  switch (signal) {
    case 'HighCPU': {
      const sustained = ratios.length ? hot.length >= Math.ceil(ratios.length / 2) : true;
      if (oneHotPod) proposals.push(podDelete(hot[0].pod, `Only ${podRef(hot[0].pod)} is saturated (${percent(hot[0].used, hot[0].limit!)}) while its siblings idle: a stuck process, not load.`));
      else if (sustained) { const s = scale(); if (s) proposals.push(s); }
      summary = `CPU of ${name ? `Deployment ${ctx.namespace}/${name}` : alert.target.pod ?? 'the workload'} is ${oneHotPod ? 'saturated in one pod' : sustained ? 'saturated' : 'high in places'}${hot.length ? ` (${hot.map((h) => percent(h.used, h.limit!)).join(', ')} of the limit)` : ''}.`;
      advice = 'CPU is not saturated enough to justify scaling; watch the trend or raise the CPU limit if throttling persists.';
      break;
    }
    case 'HighMemory': {
      if (oneHotPod) proposals.push(podDelete(hot[0].pod, `Only ${podRef(hot[0].pod)} holds this much memory while its siblings do not: likely a leak; a fresh pod resets it.`));
      else if (hot.length && name) {
        const container = hot[0].pod.spec?.containers?.find((c) => c.resources?.limits?.memory) ?? hot[0].pod.spec?.containers?.[0];
        const limit = container?.resources?.limits?.memory;
        if (container && limit) {
          proposals.push({
            action: 'resources_patch', target, params: { container: container.name, limits: { memory: raiseMemory(limit, 1.5) } },
            rationale: `Pods use ${hot.map((h) => percent(h.used, h.limit!)).join(', ')} of the ${limit} limit across the Deployment; raising it by half to ${raiseMemory(limit, 1.5)} keeps them clear of the OOM killer.`,
          });
        }
      }
      const subject = oneHotPod ? `pod ${podRef(hot[0].pod)}` : name ? `Deployment ${ctx.namespace}/${name}` : alert.target.pod ?? 'the workload';
      summary = `Memory of ${subject} is high${hot.length ? ` (${hot.map((h) => percent(h.used, h.limit!)).join(', ')} of the limit)` : ''}.`;
      advice = 'Memory is high but not near the limit: watch the trend; no action is needed yet.';
      break;
    }
    case 'HighErrorRate':
    case 'HighLatency': {
      const cpuHot = signal === 'HighLatency' ? usage(ctx, 'cpu').filter((u) => u.limit && u.used / u.limit >= 0.8) : [];
      if (signal === 'HighLatency') evidence.push(...usage(ctx, 'cpu').map((u) => u.text));
      const restarted = podsOf(ctx).filter((p) => (p.status?.containerStatuses ?? []).some((c) => (c.restartCount ?? 0) > 0 || !c.ready));
      const podCount = podsOf(ctx).length;
      if (change && name) proposals.push(undoProposal(facts, ctx.namespace, name, change));
      else if (cpuHot.length && cpuHot.length >= Math.ceil(usage(ctx, 'cpu').length / 2)) { const s = scale(); if (s) proposals.push(s); }
      const onlyBad = !proposals.length && restarted.length === 1 && podCount > 1 ? restarted[0] : undefined;
      if (onlyBad) proposals.push(podDelete(onlyBad, `Only ${podRef(onlyBad)} is unhealthy among ${podCount} pods; replacing it takes it out of the traffic.`));
      const pod = ctx.pod;
      const logs = pod ? logSignatures(facts, (pod.status?.containerStatuses ?? [])[0]?.name ?? '') : [];
      evidence.push(...logs);
      const dependency = /connection refused|ECONNREFUSED|refused\.?$|timed out|timeout|no such host|deadline exceeded|too many connections|unavailable/im.exec(allLogText(facts));
      const what = signal === 'HighErrorRate' ? 'error rate' : 'latency';
      summary = `The ${what} of ${name ? `${ctx.namespace}/${name}` : alert.target.pod ?? alert.labels.service ?? alert.labels.job ?? 'the service'} is above its threshold`
        + `${change ? ' since a new revision rolled out' : cpuHot.length ? ' while its pods are CPU-saturated' : onlyBad ? `; only pod ${podRef(onlyBad)} restarted or is unready` : dependency ? `; its logs show "${dependency[0]}" from a dependency` : ''}.`;
      advice = dependency ? `A dependency is failing ("${dependency[0]}"); fix it rather than this service.`
        : `No recent change or saturation explains the ${what}; look at downstream dependencies and traces.`;
      break;
    }
  }
  return finish(category, summary, evidence, proposals, advice);
}
