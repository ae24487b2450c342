import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MessagesApiTestServer } from '../../sandbox/anthropic/server.js';

// The command as a user runs it: a separate process, JSON on stdout, one line on stderr for a bad file.
function diagnose(file: string) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/diagnose.ts', file], { encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

test('a scenario is diagnosed through the Kubernetes API test server and printed as one JSON object', () => {
  const { status, stdout } = diagnose('test/fixtures/scenarios/demo-crashloop.json');
  expect(status).toBe(0);
  const out = JSON.parse(stdout);
  expect(out.category).toBe('CrashLoopBackOff');
  expect(out.evidence).toEqual(expect.arrayContaining([expect.stringContaining('panic: dial tcp 10.0.3.7:6379')]));
  expect(out.remediations[0]).toEqual({ action: 'pods_delete', target: { kind: 'Pod', namespace: 'shop', name: 'cart-7d9f8b6c5-x2k4p' }, params: {} });
});

test('the scenario\'s Prometheus answers are served and read as evidence', () => {
  const { status, stdout } = diagnose('test/scenarios/latency-cpu-saturated.json');
  expect(status).toBe(0);
  const out = JSON.parse(stdout);
  expect(out.category).toBe('HighLatency');
  expect(out.evidence).toEqual(expect.arrayContaining([
    expect.stringMatching(/^Prometheus histogram_quantile\(0\.99, .* = 2\.31$/),
    expect.stringMatching(/^Prometheus sum by \(pod\) \(rate\(container_cpu_usage_seconds_total.* = pod=tax-calculator-\S+: 0\.976; pod=tax-calculator-\S+: 0\.942$/),
  ]));
});

const alertmanager = '{"source":"alertmanager","payload":{"version":"4","status":"firing","alerts":[{"status":"firing","labels":{"alertname":"X"},'
  + '"annotations":{},"startsAt":"2026-11-20T14:20:00Z"}]}}';

test.each([
  ['prometheus not an array', `{"alert":${alertmanager},"prometheus":{}}`, /: "prometheus" must be an array of \{query, result\}\n$/],
  ['prometheus entry not an object', `{"alert":${alertmanager},"prometheus":[1]}`, /: prometheus\[0\] must be an object \{query, result\}\n$/],
  ['prometheus query missing', `{"alert":${alertmanager},"prometheus":[{"result":[]}]}`, /: prometheus\[0\]\.query must be a non-empty PromQL string\n$/],
  ['prometheus result not an array', `{"alert":${alertmanager},"prometheus":[{"query":"up","result":{}}]}`, /: prometheus\[0\]\.result must be an array/],
  ['prometheus sample of the wrong shape', `{"alert":${alertmanager},"prometheus":[{"query":"up","result":[{"metric":{},"value":[1,1]}]}]}`,
    /: prometheus\[0\]: prometheus query "up", result\[0\]: needs value \[unixSeconds, "value"\] or values \[\.\.\.\]\n$/],
  ['missing file', null, /^cannot read .*: ENOENT\n$/],
  ['not JSON', '{"alert":', /is not valid JSON/],
  ['no alert', '{"kubernetes":{}}', /"alert" is required\n$/],
  ['unknown source', '{"alert":{"source":"pagerduty"}}', /alert.source must be 'alertmanager', 'generic' or 'slack'/],
  ['bad payload', '{"alert":{"source":"alertmanager","payload":{"version":"4","alerts":[]}}}', /alert.payload.alerts: must hold at least one alert\n$/],
])('%s: exit 2 and one line saying what is wrong', (_name, content, message) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lookout-scenario-'));
  const file = path.join(dir, 'scenario.json');
  if (content !== null) fs.writeFileSync(file, content);
  const { status, stdout, stderr } = diagnose(file);
  expect(status).toBe(2);
  expect(stdout).toBe('');
  expect(stderr).toMatch(message);
  expect(stderr.trim().split('\n')).toHaveLength(1);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('with ANTHROPIC_API_KEY the agent runs on top of the analyser, its tools served by the scenario\'s local APIs', async () => {
  const llm = new MessagesApiTestServer({ apiKey: 'sk-ant-diagnose' });
  await llm.start();
  try {
    llm.script([
      [{ type: 'tool_use', name: 'pods_log', input: { namespace: 'shop', name: 'cart-7d9f8b6c5-x2k4p', previous: true } }],
      [{ type: 'tool_use', name: 'propose_remediation', input: { action: 'deployments_rollout_restart', target: { kind: 'Deployment', namespace: 'shop', name: 'cart' }, params: {}, rationale: 'Reconnect every replica once Redis is back.' } }],
      [{ type: 'text', text: 'Category: CrashLoopBackOff\nRedis at 10.0.3.7:6379 refuses connections, so cart panics at start.' }],
    ]);
    const { status, stdout, stderr } = await diagnoseAsync('test/fixtures/scenarios/demo-crashloop.json', {
      ANTHROPIC_API_KEY: 'sk-ant-diagnose', ANTHROPIC_BASE_URL: llm.url, LLM_MODEL: 'claude-test',
    });
    expect([status, stderr]).toEqual([0, '']);
    const out = JSON.parse(stdout);
    expect(out).toMatchObject({
      category: 'CrashLoopBackOff',
      rootCause: 'Redis at 10.0.3.7:6379 refuses connections, so cart panics at start.',
      engine: { kind: 'llm', model: 'claude-test', turns: 3, toolCalls: 1 },
    });
    expect(out.remediations[0]).toEqual({ action: 'deployments_rollout_restart', target: { kind: 'Deployment', namespace: 'shop', name: 'cart' }, params: {} });
    // The tool really read the scenario's log through the Kubernetes API test server.
    const toolResult = JSON.stringify(llm.answeredRequests[1].messages.at(-1));
    expect(toolResult).toContain('connection refused');
  } finally {
    await llm.stop();
  }
});

test('an LLM that refuses the key leaves the analyser\'s diagnosis, saying so', async () => {
  const llm = new MessagesApiTestServer({ apiKey: 'sk-ant-right' });
  await llm.start();
  try {
    const { status, stdout } = await diagnoseAsync('test/fixtures/scenarios/demo-crashloop.json', { ANTHROPIC_API_KEY: 'sk-ant-wrong', ANTHROPIC_BASE_URL: llm.url });
    expect(status).toBe(0);
    const out = JSON.parse(stdout);
    expect(out.category).toBe('CrashLoopBackOff');
    expect(out.engine).toEqual({ kind: 'runbook', note: expect.stringMatching(/^The LLM failed \(Anthropic API 401/) });
  } finally {
    await llm.stop();
  }
});

/** The same command, without blocking this process: the LLM test server runs in it. */
function diagnoseAsync(file: string, env: Record<string, string>): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/diagnose.ts', file], { env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}
