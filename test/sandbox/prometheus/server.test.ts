import { queryKey } from '../../../sandbox/prometheus/api.js';
import { PrometheusTestServer } from '../../../sandbox/prometheus/server.js';

const T0 = 1_763_700_000; // a whole minute, so steps line up with the stored samples

const cpu = {
  query: 'sum by (pod) (rate(container_cpu_usage_seconds_total{namespace="shop"}[5m]))',
  result: [
    { metric: { pod: 'cart-7d9f' }, value: [T0, '0.93'] },
    { metric: { pod: 'web-1' }, value: [T0, '0.12'] },
  ],
};
const errors = {
  query: 'sum(rate(http_requests_total{code=~"5.."}[1m]))',
  // One sample a minute for an hour.
  result: [{ metric: {}, values: Array.from({ length: 61 }, (_, i) => [T0 - 3600 + i * 60, String(i)]) }],
};

let server: PrometheusTestServer;

beforeEach(async () => {
  server = new PrometheusTestServer({ series: [cpu, errors] });
  await server.start();
});
afterEach(() => server.stop());

async function get(path: string, init?: RequestInit) {
  const res = await fetch(`${server.url}${path}`, init);
  const text = await res.text();
  const type = res.headers.get('content-type') ?? '';
  return { status: res.status, body: type.startsWith('application/json') ? JSON.parse(text) : text };
}

const q = (params: Record<string, string | number>) =>
  new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)])).toString();

describe('PrometheusTestServer', () => {
  test('instant query answers a stored vector at the evaluation time', async () => {
    const { status, body } = await get(`/api/v1/query?${q({ query: cpu.query, time: T0 + 30 })}`);
    expect(status).toBe(200);
    expect(body).toEqual({
      status: 'success',
      data: {
        resultType: 'vector',
        result: [
          { metric: { pod: 'cart-7d9f' }, value: [T0 + 30, '0.93'] },
          { metric: { pod: 'web-1' }, value: [T0 + 30, '0.12'] },
        ],
      },
    });
  });

  test('POST with a form body works like GET, and whitespace in the query does not matter', async () => {
    const { status, body } = await get('/api/v1/query', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: q({ query: cpu.query.replace(' (rate', '   (rate') }),
    });
    expect(status).toBe(200);
    expect(body.data.result).toEqual(cpu.result);
    expect(server.requests.at(-1)).toMatchObject({ method: 'POST', path: '/api/v1/query', status: 200 });
    expect(server.requests.at(-1)!.params.query).toContain('   (rate');
  });

  test('instant query over a stored matrix takes the newest sample within 5 minutes', async () => {
    const at = (time: number) => get(`/api/v1/query?${q({ query: errors.query, time })}`);
    expect((await at(T0 - 90)).body.data).toEqual({ resultType: 'vector', result: [{ metric: {}, value: [T0 - 90, '58'] }] });
    expect((await at(T0 + 301)).body.data.result).toEqual([]);
    const { body } = await get(`/api/v1/query?${q({ query: errors.query })}`);
    expect(body.data.result).toEqual([{ metric: {}, value: [T0, '60'] }]);
  });

  test('unknown queries answer an empty result of the right type', async () => {
    expect((await get(`/api/v1/query?${q({ query: 'up{job="nope"}' })}`)).body)
      .toEqual({ status: 'success', data: { resultType: 'vector', result: [] } });
    expect((await get(`/api/v1/query?${q({ query: 'up{job="nope"}[5m]' })}`)).body.data)
      .toEqual({ resultType: 'matrix', result: [] });
    expect((await get(`/api/v1/query_range?${q({ query: 'up', start: T0, end: T0 + 60, step: 15 })}`)).body.data)
      .toEqual({ resultType: 'matrix', result: [] });
  });

  test('range query synthesises a matrix from a stored vector', async () => {
    const { body } = await get(`/api/v1/query_range?${q({ query: cpu.query, start: T0, end: T0 + 60, step: '30s' })}`);
    expect(body.data).toEqual({
      resultType: 'matrix',
      result: [
        { metric: { pod: 'cart-7d9f' }, values: [[T0, '0.93'], [T0 + 30, '0.93'], [T0 + 60, '0.93']] },
        { metric: { pod: 'web-1' }, values: [[T0, '0.12'], [T0 + 30, '0.12'], [T0 + 60, '0.12']] },
      ],
    });
  });

  test('range query slices a stored matrix to the range and steps', async () => {
    const start = new Date((T0 - 600) * 1000).toISOString();
    const { body } = await get(`/api/v1/query_range?${q({ query: errors.query, start, end: T0 - 300, step: '2m' })}`);
    expect(body.data.result).toEqual([{ metric: {}, values: [[T0 - 600, '50'], [T0 - 480, '52'], [T0 - 360, '54']] }]);
    // Past the data plus the 5 minute lookback, a series has no points and is left out.
    const late = await get(`/api/v1/query_range?${q({ query: errors.query, start: T0 + 400, end: T0 + 800, step: 60 })}`);
    expect(late.body.data.result).toEqual([]);
  });

  test.each([
    ['missing query', '/api/v1/query', {}, 'invalid parameter "query": 1:1: parse error: no expression found in input'],
    ['unbalanced query', '/api/v1/query', { query: 'sum(rate(x[5m])' }, 'invalid parameter "query": 1:4: parse error: unclosed left parenthesis'],
    ['unparseable time', '/api/v1/query', { query: 'up', time: 'yesterday' }, 'invalid parameter "time": cannot parse "yesterday" to a valid timestamp'],
    ['missing start', '/api/v1/query_range', { query: 'up', end: T0, step: 15 }, 'invalid parameter "start": cannot parse "" to a valid timestamp'],
    ['end before start', '/api/v1/query_range', { query: 'up', start: T0, end: T0 - 1, step: 15 }, 'invalid parameter "end": end timestamp must not be before start time'],
    ['bad step', '/api/v1/query_range', { query: 'up', start: T0, end: T0 + 60, step: 'abc' }, 'invalid parameter "step": cannot parse "abc" to a valid duration'],
    ['zero step', '/api/v1/query_range', { query: 'up', start: T0, end: T0 + 60, step: 0 }, 'invalid parameter "step": zero or negative query resolution step widths are not accepted. Try a positive integer'],
    ['too many points', '/api/v1/query_range', { query: 'up', start: 0, end: 11_001, step: 1 }, 'exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)'],
    ['range vector in a range query', '/api/v1/query_range', { query: 'up[5m]', start: T0, end: T0 + 60, step: 15 }, 'invalid expression type "range vector" for range query, must be Scalar or instant Vector'],
  ])('%s: 400 bad_data', async (_name, path, params, error) => {
    const { status, body } = await get(`${path}?${q(params)}`);
    expect(status).toBe(400);
    expect(body).toEqual({ status: 'error', errorType: 'bad_data', error });
  });

  test('11,000 steps (11,001 points) are still accepted', async () => {
    expect((await get(`/api/v1/query_range?${q({ query: 'up', start: 0, end: 11_000, step: 1 })}`)).status).toBe(200);
  });

  test('failNext injects API errors for the next query requests only', async () => {
    server.failNext(503, 2);
    server.failNext(422);
    const path = `/api/v1/query?${q({ query: cpu.query })}`;
    const answers = [await get(path), await get(path), await get(path), await get(path)];
    expect(answers.map((a) => a.status)).toEqual([503, 503, 422, 200]);
    expect(answers[0].body).toMatchObject({ status: 'error', errorType: 'unavailable' });
    expect(answers[2].body).toMatchObject({ status: 'error', errorType: 'execution' });
  });

  test('addSeries replaces an answer and rejects shapes the API never returns', async () => {
    server.addSeries({ query: cpu.query, result: [{ metric: { pod: 'x' }, value: [T0, '1'] }] });
    expect((await get(`/api/v1/query?${q({ query: cpu.query })}`)).body.data.result).toHaveLength(1);
    expect(() => server.addSeries({ query: 'up', result: [{ metric: {}, value: [T0, 1] }] })).toThrow(/value/);
  });

  test('load replaces every stored answer, and keeps the old ones when a new one has a bad shape', async () => {
    server.load([{ query: 'up', result: [{ metric: { job: 'api' }, value: [T0, '1'] }] }]);
    expect((await get(`/api/v1/query?${q({ query: cpu.query })}`)).body.data.result).toEqual([]);
    expect((await get(`/api/v1/query?${q({ query: 'up' })}`)).body.data.result).toHaveLength(1);
    expect(() => server.load([{ query: 'down', result: [{ metric: {} }] }])).toThrow(/needs value/);
    expect((await get(`/api/v1/query?${q({ query: 'up' })}`)).body.data.result).toHaveLength(1);
  });

  test('a stored query matches as PromQL reads whitespace: insignificant outside strings, kept inside them', () => {
    const key = queryKey('sum by (pod) (rate(x{pod="a  b"}[5m])) / 2');
    expect(queryKey('  sum   by(pod)(rate(x{pod="a  b"}[5m]))/2\n')).toBe(key);
    expect(queryKey('sum by (pod) (rate(x{pod="a b"}[5m])) / 2')).not.toBe(key);
    expect(queryKey('a or b')).not.toBe(queryKey('aorb'));
    expect(queryKey("x{a='q\\'  r'}   offset  5m")).toBe(queryKey("x{a='q\\'  r'} offset 5m"));
    expect(queryKey("x{a='q\\'  r'} offset 5m")).toContain("'q\\'  r'");
  });

  test('health, build info, unknown paths and methods', async () => {
    expect(await get('/-/healthy')).toEqual({ status: 200, body: 'Prometheus Server is Healthy.\n' });
    const info = await get('/api/v1/status/buildinfo');
    expect(info.status).toBe(200);
    expect(info.body).toMatchObject({ status: 'success', data: { version: expect.any(String), goVersion: expect.any(String) } });
    expect((await get('/api/v1/nope')).status).toBe(404);
    expect((await get('/api/v1/query', { method: 'DELETE' })).status).toBe(405);
    expect(server.requests.map((r) => r.status)).toEqual([200, 200, 404, 405]);
  });

  test('url throws before start and stop is idempotent', async () => {
    const idle = new PrometheusTestServer();
    expect(() => idle.url).toThrow(/not started/);
    await server.stop();
    await server.stop();
  });
});
