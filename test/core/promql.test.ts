import { alertQuery } from '../../core/promql.js';

const url = (expr: string) => `http://prometheus:9090/graph?g0.expr=${encodeURIComponent(expr)}&g0.tab=1`;

test.each([
  ['rate(http_requests_total{code=~"5.."}[5m]) / rate(http_requests_total[5m]) > 0.05', { query: 'rate(http_requests_total{code=~"5.."}[5m]) / rate(http_requests_total[5m])', threshold: 0.05 }],
  ['(histogram_quantile(0.99, sum by (le) (rate(x_bucket[5m])))) >= 1.5', { query: 'histogram_quantile(0.99, sum by (le) (rate(x_bucket[5m])))', threshold: 1.5 }],
  ['max_over_time(kube_pod_container_status_waiting_reason{reason="CrashLoopBackOff"}[5m]) >= 1', { query: 'max_over_time(kube_pod_container_status_waiting_reason{reason="CrashLoopBackOff"}[5m])', threshold: 1 }],
  ['sum(up{job="api"} == 0)', { query: 'sum(up{job="api"} == 0)' }],
  ['up == 0', { query: 'up', threshold: 0 }],
])('%s', (expr, expected) => {
  expect(alertQuery({ generatorURL: url(expr), annotations: {} })).toEqual(expected);
});

test('a query annotation wins over the generator URL; no expression means no chart', () => {
  expect(alertQuery({ generatorURL: url('up == 0'), annotations: { query: 'node_load1 > 4' } })).toEqual({ query: 'node_load1', threshold: 4 });
  expect(alertQuery({ generatorURL: undefined, annotations: {} })).toBeUndefined();
  expect(alertQuery({ generatorURL: 'not a url', annotations: {} })).toBeUndefined();
});
