import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createPrometheusActivities, defaultStepSeconds, NOT_CONFIGURED, prometheusTools,
} from '../../activities/prometheus.js';
import { evenIndices } from '../../activities/prometheus-result.js';
import type { Alert } from '../../core/alert.js';
import { MAX_PLANNED_QUERIES, prometheusQueryPlan } from '../../core/prometheus-queries.js';
import { PrometheusTestServer } from '../../sandbox/prometheus/server.js';
import { parseAlertmanager } from '../../server/alerts/alertmanager.js';

const T0 = 1_763_700_000;
const slackToken = ['xoxb', '2207451981', '5561034207744', 'hT3kQmV9zL1pXa7RcW2yBn8D'].join('-');

const memory = {
  query: 'container_memory_working_set_bytes{namespace="shop",pod="cart-7d9f"}',
  result: [{ metric: { __name__: 'container_memory_working_set_bytes', pod: 'cart-7d9f' }, value: [T0, '123456789'] }],
};
const latency = {
  query: 'histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))',
  result: [{ metric: {}, values: Array.from({ length: 61 }, (_, i) => [T0 - 3600 + i * 60, String(i / 10)]) }],
};
const manyPods = {
  query: 'up{namespace="shop"}',
  result: Array.from({ length: 25 }, (_, i) => ({ metric: { pod: `pod-${i}` }, value: [T0, '1'] })),
};
const leaky = {
  query: 'kube_pod_info{namespace="shop"}',
  result: [{ metric: { pod: 'cart', annotation: `token=${slackToken}`, note: 'Bearer abc123def456' }, value: [T0, 'NaN'] }],
};

let server: PrometheusTestServer;
let tools: ReturnType<typeof createPrometheusActivities>;

beforeAll(async () => {
  server = new PrometheusTestServer({ series: [memory, latency, manyPods, leaky] });
  await server.start();
  tools = createPrometheusActivities({ prometheus: { baseUrl: server.url } });
});
afterAll(() => server.stop());
beforeEach(() => { server.requests.length = 0; });

describe('prometheusMetricsQuery', () => {
  test('returns a vector as labelled points with numbers', async () => {
    const result = await tools.prometheusMetricsQuery({ query: memory.query, time: T0 });
    expect(result).toEqual({
      ok: true,
      resultType: 'vector',
      series: [{ labels: { __name__: 'container_memory_working_set_bytes', pod: 'cart-7d9f' }, values: [[T0, 123456789]] }],
    });
    expect(server.requests[0]).toMatchObject({ method: 'POST', path: '/api/v1/query', params: { query: memory.query, time: String(T0) } });
  });

  test('accepts RFC 3339 times', async () => {
    await tools.prometheusMetricsQuery({ query: memory.query, time: new Date(T0 * 1000).toISOString() });
    expect(server.requests[0].params.time).toBe(String(T0));
  });

  test('an unknown query is an empty answer, not an error', async () => {
    expect(await tools.prometheusMetricsQuery({ query: 'up{job="nope"}' })).toEqual({ ok: true, resultType: 'vector', series: [] });
  });

  test('a query Prometheus rejects is returned as ok:false with its message', async () => {
    expect(await tools.prometheusMetricsQuery({ query: 'sum(rate(x[5m])' })).toEqual({
      ok: false,
      error: 'bad_data: invalid parameter "query": 1:4: parse error: unclosed left parenthesis',
    });
  });

  test('an unreadable time is refused before asking Prometheus', async () => {
    const result = await tools.prometheusMetricsQuery({ query: 'up', time: 'yesterday' });
    expect(result).toEqual({ ok: false, error: 'time: cannot read "yesterday" as RFC 3339 or Unix seconds' });
    expect(server.requests).toHaveLength(0);
  });

  test('keeps at most 20 series and says so', async () => {
    const result = await tools.prometheusMetricsQuery({ query: manyPods.query });
    if (!result.ok) throw new Error(result.error);
    expect(result.series).toHaveLength(20);
    expect(result.series[0].labels.pod).toBe('pod-0');
    expect(result.truncated).toBe(true);
    expect(result.note).toMatch(/20 of 25 series/);
  });

  test('redacts secrets in label values; NaN becomes null', async () => {
    const result = await tools.prometheusMetricsQuery({ query: leaky.query });
    expect(result).toEqual({
      ok: true,
      resultType: 'vector',
      series: [{ labels: { pod: 'cart', annotation: 'token=[redacted]', note: 'Bearer [redacted]' }, values: [[T0, null]] }],
    });
    expect(JSON.stringify(result)).not.toContain('xoxb');
  });

  test('5xx throws so Temporal retries, and the next attempt succeeds', async () => {
    server.failNext(503);
    await expect(tools.prometheusMetricsQuery({ query: memory.query })).rejects.toThrow(
      'Prometheus answered HTTP 503: unavailable: injected failure (HTTP 503)',
    );
    expect((await tools.prometheusMetricsQuery({ query: memory.query })).ok).toBe(true);
  });

  test('a 422 execution error is an answer, not a retry', async () => {
    server.failNext(422);
    expect(await tools.prometheusMetricsQuery({ query: memory.query }))
      .toEqual({ ok: false, error: 'execution: injected failure (HTTP 422)' });
  });
});

describe('prometheusMetricsQueryRange', () => {
  test('returns a matrix over the range with the default step', async () => {
    const result = await tools.prometheusMetricsQueryRange({ query: latency.query, start: T0 - 3600, end: T0 });
    expect(server.requests[0].params).toMatchObject({ start: String(T0 - 3600), end: String(T0), step: '30' });
    if (!result.ok) throw new Error(result.error);
    expect(result.resultType).toBe('matrix');
    expect(result.series).toHaveLength(1);
    expect(result.series[0].values).toHaveLength(121);
    expect(result.series[0].values.slice(0, 3)).toEqual([[T0 - 3600, 0], [T0 - 3570, 0], [T0 - 3540, 0.1]]);
    expect(result.series[0].values.at(-1)).toEqual([T0, 6]);
    expect(result.truncated).toBeUndefined();
  });

  test('synthesises a flat line from a stored vector', async () => {
    const result = await tools.prometheusMetricsQueryRange({ query: memory.query, start: T0 - 60, end: T0, stepSeconds: 30 });
    if (!result.ok) throw new Error(result.error);
    expect(result.series[0].values).toEqual([[T0 - 60, 123456789], [T0 - 30, 123456789], [T0, 123456789]]);
  });

  test('downsamples evenly to 300 points, keeping the first and the last', async () => {
    const result = await tools.prometheusMetricsQueryRange({ query: latency.query, start: T0 - 3600, end: T0, stepSeconds: 5 });
    if (!result.ok) throw new Error(result.error);
    const values = result.series[0].values;
    expect(values).toHaveLength(300);
    expect(values[0][0]).toBe(T0 - 3600);
    expect(values.at(-1)![0]).toBe(T0);
    expect(result.truncated).toBe(true);
    expect(result.note).toMatch(/at most 300 per series \(from up to 721\)/);
  });

  test('end before start is a bad_data answer', async () => {
    expect(await tools.prometheusMetricsQueryRange({ query: 'up', start: T0, end: T0 - 60 })).toEqual({
      ok: false,
      error: 'bad_data: invalid parameter "end": end timestamp must not be before start time',
    });
  });
});

describe('configuration and transport', () => {
  test('not configured is an answer, not an error', async () => {
    const bare = createPrometheusActivities({});
    expect(await bare.prometheusMetricsQuery({ query: 'up' })).toEqual({ ok: false, error: NOT_CONFIGURED });
    expect(await bare.prometheusMetricsQueryRange({ query: 'up', start: 0, end: 60 })).toEqual({ ok: false, error: NOT_CONFIGURED });
    expect(NOT_CONFIGURED).toBe('Prometheus is not configured (set PROMETHEUS_URL)');
  });

  test('an unreachable server throws, without the password of PROMETHEUS_URL', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const down = createPrometheusActivities({ prometheus: { baseUrl: `http://admin:hunter2@127.0.0.1:${port}` } });
    const err = await down.prometheusMetricsQuery({ query: 'up' }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/^Prometheus at http:\/\/127\.0\.0\.1:\d+ is unreachable: ECONNREFUSED/);
    expect((err as Error).message).not.toContain('hunter2');
  });

  test('credentials in PROMETHEUS_URL become a Basic header, and a path prefix is kept', async () => {
    const seen: { url: string; auth: string | null }[] = [];
    const spy: typeof fetch = (input, init) => {
      seen.push({ url: String(input), auth: new Headers(init?.headers).get('authorization') });
      return fetch(`${server.url}/api/v1/query`, init);
    };
    const withAuth = createPrometheusActivities({ prometheus: { baseUrl: 'http://ops:s3cret@prom.example/prometheus', fetch: spy } });
    expect((await withAuth.prometheusMetricsQuery({ query: memory.query })).ok).toBe(true);
    expect(seen).toEqual([{ url: 'http://prom.example/prometheus/api/v1/query', auth: `Basic ${Buffer.from('ops:s3cret').toString('base64')}` }]);
  });

  test('a non-API answer (wrong URL) is reported plainly', async () => {
    const html: typeof fetch = async () => new Response('<html>Grafana</html>', { status: 404 });
    const wrong = createPrometheusActivities({ prometheus: { baseUrl: 'http://grafana.local', fetch: html } });
    const result = await wrong.prometheusMetricsQuery({ query: 'up' });
    expect(result).toEqual({ ok: false, error: expect.stringMatching(/^Prometheus answered HTTP 404 for \/api\/v1\/query \(PROMETHEUS_URL/) });
  });

  test('each request carries a timeout signal', async () => {
    let signal: AbortSignal | null | undefined;
    const spy: typeof fetch = (input, init) => { signal = init?.signal; return fetch(`${server.url}/api/v1/query`, init); };
    await createPrometheusActivities({ prometheus: { baseUrl: server.url, fetch: spy } }).prometheusMetricsQuery({ query: 'up' });
    expect(signal).toBeInstanceOf(AbortSignal);
  });
});

describe('helpers and the tool table', () => {
  test.each([[0, 60, 15], [0, 3600, 30], [0, 6 * 3600, 300], [0, 24 * 3600, 900], [0, 30 * 86_400, 21_600], [0, 200 * 86_400, 172_800], [60, 0, 15]])(
    'default step for %i..%i is %i s', (start, end, step) => {
      expect(defaultStepSeconds(start, end)).toBe(step);
    },
  );

  test('evenIndices spreads evenly and keeps both ends', () => {
    expect(evenIndices(5, 10)).toEqual([0, 1, 2, 3, 4]);
    expect(evenIndices(10, 4)).toEqual([0, 3, 6, 9]);
  });

  test('maps the tool names users see to activities that exist, with schemas', () => {
    for (const [name, tool] of Object.entries(prometheusTools)) {
      expect(name).toMatch(/^prometheus_metrics_query(_range)?$/);
      expect(typeof tools[tool.activity]).toBe('function');
      expect(tool.inputSchema).toMatchObject({ type: 'object', required: expect.arrayContaining(['query']) });
    }
    expect(prometheusTools.prometheus_metrics_query_range.inputSchema.required).toEqual(['query', 'start', 'end']);
  });
});

/** One firing alert as Alertmanager delivers it: the rule's expression travels in the generator URL. */
function firing(alertname: string, labels: Record<string, string>, expr?: string): Alert {
  const [alert] = parseAlertmanager({
    version: '4', status: 'firing', receiver: 'lookout', groupLabels: {}, commonLabels: {}, commonAnnotations: {}, externalURL: 'http://am:9093',
    alerts: [{
      status: 'firing', labels: { alertname, ...labels }, annotations: { summary: alertname }, startsAt: '2026-11-20T14:20:00Z',
      generatorURL: expr ? `http://prometheus:9090/graph?g0.expr=${encodeURIComponent(expr)}&g0.tab=1` : '',
    }],
  });
  return alert;
}

const throttling = 'sum(increase(container_cpu_cfs_throttled_periods_total{container!=""}[5m])) by (container, pod, namespace) '
  + '/ sum(increase(container_cpu_cfs_periods_total{}[5m])) by (container, pod, namespace)';
const cpuAlert = firing('CPUThrottlingHigh', { namespace: 'media', pod: 'thumbnailer-7d9f8b6c5-m4zr9', container: 'thumbnailer' }, `${throttling} > (25 / 100)`);
const MEDIA = 'namespace="media",pod=~"thumbnailer-[a-z0-9]+-[a-z0-9]+",container="thumbnailer"';

describe('prometheusQueryPlan', () => {
  test('a CPU alert on a Deployment\'s pod: the rule without its threshold, then CPU views of all the pods, then restarts', () => {
    expect(prometheusQueryPlan(cpuAlert).map((q) => q.query)).toEqual([
      throttling,
      `sum by (pod) (rate(container_cpu_usage_seconds_total{${MEDIA}}[5m]))`,
      `sum by (pod) (rate(container_cpu_usage_seconds_total{${MEDIA}}[5m])) / sum by (pod) (kube_pod_container_resource_limits{${MEDIA},resource="cpu"})`,
      `sum by (pod) (increase(container_cpu_cfs_throttled_periods_total{${MEDIA}}[5m])) / sum by (pod) (increase(container_cpu_cfs_periods_total{${MEDIA}}[5m]))`,
      `sum by (pod) (increase(kube_pod_container_status_restarts_total{${MEDIA}}[1h]))`,
    ]);
    expect(prometheusQueryPlan(cpuAlert).every((q) => q.why.length > 0)).toBe(true);
  });

  test('memory, error-rate and pod-state alerts get their own context; the plan stays within bounds', () => {
    const memory = firing('KubeContainerMemoryNearLimit', { namespace: 'identity', deployment: 'session-cache' }, 'container_memory_working_set_bytes / x > 0.9');
    expect(prometheusQueryPlan(memory).map((q) => q.query)).toEqual([
      'container_memory_working_set_bytes / x',
      'sum by (pod) (container_memory_working_set_bytes{namespace="identity",pod=~"session-cache-[a-z0-9]+-[a-z0-9]+",container!=""})',
      'sum by (pod) (container_memory_working_set_bytes{namespace="identity",pod=~"session-cache-[a-z0-9]+-[a-z0-9]+",container!=""}) / '
        + 'sum by (pod) (kube_pod_container_resource_limits{namespace="identity",pod=~"session-cache-[a-z0-9]+-[a-z0-9]+",container!="",resource="memory"})',
      'sum by (pod) (increase(kube_pod_container_status_restarts_total{namespace="identity",pod=~"session-cache-[a-z0-9]+-[a-z0-9]+",container!=""}[1h]))',
    ]);
    const errors = firing('HighErrorRate', { namespace: 'shop', deployment: 'wishlist' }, 'sum(rate(http_requests_total{code=~"5.."}[5m])) > 1');
    expect(prometheusQueryPlan(errors).map((q) => q.query)).toEqual([
      'sum(rate(http_requests_total{code=~"5.."}[5m]))',
      expect.stringMatching(/^sum by \(pod\) \(rate\(container_cpu_usage_seconds_total.* \/ sum by \(pod\) \(kube_pod_container_resource_limits\{.*resource="cpu"\}\)$/),
      expect.stringMatching(/^sum by \(pod\) \(increase\(kube_pod_container_status_restarts_total/),
    ]);
    const crash = firing('KubePodCrashLooping', { namespace: 'db', pod: 'redis-0' });
    expect(prometheusQueryPlan(crash).map((q) => q.query))
      .toEqual(['sum by (pod) (increase(kube_pod_container_status_restarts_total{namespace="db",pod="redis-0",container!=""}[1h]))']);
    for (const alert of [cpuAlert, memory, errors, crash]) expect(prometheusQueryPlan(alert).length).toBeLessThanOrEqual(MAX_PLANNED_QUERIES);
  });

  test('label values are escaped: quotes and backslashes in strings, regex characters in the pod pattern', () => {
    const odd = firing('HighCPUUsage', { namespace: 'we"ird\\ns', deployment: 'api.v2', container: 'app"}) or vector(1) #' });
    const [cpu] = prometheusQueryPlan(odd).map((q) => q.query);
    expect(cpu).toBe(
      'sum by (pod) (rate(container_cpu_usage_seconds_total{namespace="we\\"ird\\\\ns",pod=~"api\\\\.v2-[a-z0-9]+-[a-z0-9]+",container="app\\"}) or vector(1) #"}[5m]))',
    );
  });

  test('no workload named: only the rule itself; nothing at all: no queries', () => {
    const down = firing('TargetDown', { job: 'blackbox' }, '100 * (count(up == 0) BY (job) / count(up) BY (job)) > 10');
    expect(prometheusQueryPlan(down).map((q) => q.query)).toEqual(['100 * (count(up == 0) BY (job) / count(up) BY (job))']);
    expect(prometheusQueryPlan(firing('Watchdog', {}))).toEqual([]);
  });

  test('the rule is not asked twice when it is one of the standard queries', () => {
    const restarts = 'sum by (pod) (increase(kube_pod_container_status_restarts_total{namespace="db",pod="redis-0",container!=""}[1h]))';
    const alert = firing('KubePodRestarting', { namespace: 'db', pod: 'redis-0' }, `${restarts} > 3`);
    expect(prometheusQueryPlan(alert).map((q) => q.query)).toEqual([restarts]);
  });
});

describe('collectPrometheusFacts', () => {
  const [rule, cpuUsed, cpuOfLimit, throttled, restarts] = prometheusQueryPlan(cpuAlert).map((q) => q.query);
  const pods = ['thumbnailer-7d9f8b6c5-x2k4p', 'thumbnailer-7d9f8b6c5-m4zr9'];
  let facts: PrometheusTestServer;

  beforeAll(async () => {
    facts = new PrometheusTestServer();
    await facts.start();
  });
  afterAll(() => facts.stop());
  beforeEach(() => {
    facts.requests.length = 0;
    facts.load([
      // Stored with other spacing: Prometheus ignores whitespace outside strings, and so does the test server.
      { query: rule.replace(') / sum', ')\n  /  sum'), result: [{ metric: { pod: pods[1], namespace: 'media' }, value: [T0, '0.643'] }] },
      { query: cpuUsed, result: pods.map((pod, i) => ({ metric: { pod }, values: [[T0 - 60, '1.7'], [T0, ['1.84', '1.91'][i]]] })) },
      { query: restarts, result: pods.map((pod) => ({ metric: { pod }, value: [T0, 'NaN'] })) },
    ]);
  });

  test('runs the plan against Prometheus and keeps the non-empty answers in the API\'s data.result shape', async () => {
    const tools = createPrometheusActivities({ prometheus: { baseUrl: facts.url } });
    const got = await tools.collectPrometheusFacts({ alert: cpuAlert });
    expect(got).toEqual({
      results: [
        { query: rule, result: [{ metric: { pod: pods[1], namespace: 'media' }, value: [T0, '0.643'] }] },
        { query: cpuUsed, result: [{ metric: { pod: pods[0] }, value: [T0, '1.84'] }, { metric: { pod: pods[1] }, value: [T0, '1.91'] }] },
        { query: restarts, result: pods.map((pod) => ({ metric: { pod }, value: [T0, 'NaN'] })) },
      ],
      problems: [],
    });
    // The escaped queries went over the wire as planned; the two without stored answers were asked and dropped.
    expect(facts.requests.map((r) => [r.method, r.path, r.params.query]).sort())
      .toEqual([rule, cpuUsed, cpuOfLimit, throttled, restarts].map((q) => ['POST', '/api/v1/query', q]).sort());
  });

  test('asks in parallel, never more than the plan\'s bound', async () => {
    let inFlight = 0;
    let most = 0;
    const counting: typeof fetch = async (input, init) => {
      most = Math.max(most, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, 25));
      try {
        return await fetch(input, init);
      } finally {
        inFlight -= 1;
      }
    };
    const tools = createPrometheusActivities({ prometheus: { baseUrl: facts.url, fetch: counting } });
    await tools.collectPrometheusFacts({ alert: cpuAlert });
    expect(most).toBe(MAX_PLANNED_QUERIES);
    expect(facts.requests).toHaveLength(MAX_PLANNED_QUERIES);
  });

  test('not configured: no answers, one problem saying how to configure it', async () => {
    expect(await createPrometheusActivities({}).collectPrometheusFacts({ alert: cpuAlert }))
      .toEqual({ results: [], problems: ['Prometheus is not configured (set PROMETHEUS_URL)'] });
  });

  test('an API error and a rejected query become problems; the other answers are kept', async () => {
    const tools = createPrometheusActivities({ prometheus: { baseUrl: facts.url } });
    facts.failNext(422);
    const one = await tools.collectPrometheusFacts({ alert: cpuAlert });
    expect(one.problems).toEqual([expect.stringMatching(/^Prometheus could not answer sum.*: execution: injected failure \(HTTP 422\)$/)]);
    expect(one.results.length).toBeGreaterThanOrEqual(2);

    const bad = firing('HighCPUUsage', { namespace: 'media', pod: pods[0], container: 'thumbnailer' }, 'sum(rate(container_cpu_usage_seconds_total[5m]) > 0.9');
    const two = await tools.collectPrometheusFacts({ alert: bad });
    expect(two.problems).toEqual([
      'Prometheus could not answer sum(rate(container_cpu_usage_seconds_total[5m]) > 0.9: '
        + 'bad_data: invalid parameter "query": 1:4: parse error: unclosed left parenthesis',
    ]);
    expect(two.results.map((r) => r.query)).toEqual([cpuUsed, restarts]);
  });

  test('an unreachable server is one problem, not a throw', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const down = createPrometheusActivities({ prometheus: { baseUrl: `http://127.0.0.1:${port}` } });
    expect(await down.collectPrometheusFacts({ alert: cpuAlert })).toEqual({
      results: [], problems: [expect.stringMatching(/^Prometheus at http:\/\/127\.0\.0\.1:\d+ is unreachable: ECONNREFUSED$/)],
    });
  });
});
