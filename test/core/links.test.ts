import { createSlackActivities, type SlackApi } from '../../activities/slack.js';
import { reportLinks } from '../../core/links.js';
import { crashLoopAlert } from '../fixtures/alerts.js';

const urls = {
  prometheus: 'http://127.0.0.1:9090/',
  sentry: { baseUrl: 'http://127.0.0.1:9000', org: 'acme' },
  argocd: 'http://127.0.0.1:8080',
};

test('the alert\'s own Prometheus graph URL is used as it is', () => {
  const generatorURL = 'http://prometheus.monitoring:9090/graph?g0.expr=rate%28kube_pod_container_status_restarts_total%5B5m%5D%29+%3E+0&g0.tab=1';
  expect(reportLinks(crashLoopAlert({ generatorURL }), urls)).toEqual([{ label: 'Prometheus graph', url: generatorURL }]);
});

test('without a graph URL, the rule query is graphed on the configured Prometheus over the last hour', () => {
  const alert = crashLoopAlert({ generatorURL: 'http://grafana.example/alerting/list', query: { query: 'rate(x{pod=~"a|b"}[5m]) > 0' } });
  expect(reportLinks(alert, urls)).toEqual([{
    label: 'Prometheus graph',
    url: 'http://127.0.0.1:9090/graph?g0.expr=rate(x%7Bpod%3D~%22a%7Cb%22%7D%5B5m%5D)%20%3E%200&g0.range_input=1h',
  }]);
  expect(reportLinks(alert, {})).toEqual([]);
  expect(reportLinks(crashLoopAlert(), urls)).toEqual([]);
});

test('Sentry issue from an issue id label, a sentry.io annotation, or a Sentry alert\'s own link', () => {
  expect(reportLinks(crashLoopAlert({ labels: { sentry_issue_id: '4821' } }), urls))
    .toEqual([{ label: 'Sentry issue', url: 'http://127.0.0.1:9000/organizations/acme/issues/4821/' }]);
  expect(reportLinks(crashLoopAlert({ annotations: { issue_id: 'SHOP-1A' } }), urls))
    .toEqual([{ label: 'Sentry issue', url: 'http://127.0.0.1:9000/organizations/acme/issues/SHOP-1A/' }]);
  expect(reportLinks(crashLoopAlert({ annotations: { runbook: 'see https://acme.sentry.io/issues/77/?project=3 for details' } }), {}))
    .toEqual([{ label: 'Sentry issue', url: 'https://acme.sentry.io/issues/77/?project=3' }]);
  expect(reportLinks(crashLoopAlert({ source: 'sentry', generatorURL: 'https://acme.sentry.io/issues/91/' }), {}))
    .toEqual([{ label: 'Sentry issue', url: 'https://acme.sentry.io/issues/91/' }]);
  // An id that is not an id is not turned into a path.
  expect(reportLinks(crashLoopAlert({ labels: { sentry_issue_id: '../../admin' } }), urls)).toEqual([]);
});

test('ArgoCD application from argocd_application, argocd_app or app.kubernetes.io/instance labels', () => {
  for (const key of ['argocd_application', 'argocd_app', 'app.kubernetes.io/instance']) {
    expect(reportLinks(crashLoopAlert({ labels: { [key]: 'shop-cart' } }), urls))
      .toEqual([{ label: 'ArgoCD application', url: 'http://127.0.0.1:8080/applications/shop-cart' }]);
  }
  expect(reportLinks(crashLoopAlert({ labels: { argocd_app: 'shop-cart' } }), {})).toEqual([]);
  expect(reportLinks(crashLoopAlert({ labels: { argocd_app: 'Bad Name|x' } }), urls)).toEqual([]);
});

test('only http(s) URLs come out, and none can break Slack\'s <url|label> syntax', () => {
  const links = reportLinks(crashLoopAlert({
    source: 'sentry', generatorURL: 'javascript:alert(1)//sentry.io/',
    annotations: { a: 'https://x.sentry.io/issues/1/|<!channel>' },
    labels: { argocd_app: 'cart' },
  }), { argocd: 'ftp://argo.example' });
  expect(links).toEqual([]);
  const odd = reportLinks(crashLoopAlert({ generatorURL: 'http://p.example/graph?g0.expr=a|b>c' }), {});
  expect(odd).toEqual([{ label: 'Prometheus graph', url: 'http://p.example/graph?g0.expr=a%7Cb%3Ec' }]);
});

test('postReport adds the configured links before the view\'s own, then the audit trail', async () => {
  const posted: { blocks?: { type: string; elements?: { text: string }[] }[] }[] = [];
  const slack = { chat: { postMessage: async (m: never) => { posted.push(m); return { ok: true, ts: '2.0', channel: 'C1' }; } } } as unknown as SlackApi;
  const { postReport } = createSlackActivities({ slackFor: async () => slack, auditUrl: (id) => `http://127.0.0.1:8233/${id}`, links: urls });
  await postReport({
    channel: 'C1', threadTs: '1.0',
    view: {
      workflowId: 'incident-1', alert: crashLoopAlert({ labels: { argocd_app: 'cart' } }), decisions: [], outcomes: [],
      diagnosis: { category: 'Unknown', summary: 's', evidence: [], remediations: [] },
      links: [{ label: 'Runbook', url: 'https://wiki.example/runbooks/cart' }],
    },
  });
  const contexts = posted[0].blocks!.filter((b) => b.type === 'context').map((b) => b.elements![0].text);
  expect(contexts.at(-1)).toBe('<http://127.0.0.1:8080/applications/cart|ArgoCD application> · <https://wiki.example/runbooks/cart|Runbook> · '
    + '<http://127.0.0.1:8233/incident-1|Audit trail in Temporal> · incident `incident-1`');
});
