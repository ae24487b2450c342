import { DEFAULT_LLM_MODEL, loadConfig } from '../../core/config.js';

test('the slash command name is configurable, with or without its slash', () => {
  expect(loadConfig({}).slashCommand).toBe('/lookout');
  expect(loadConfig({ SLACK_COMMAND: 'ops' }).slashCommand).toBe('/ops');
  expect(loadConfig({ SLACK_COMMAND: '/oncall' }).slashCommand).toBe('/oncall');
});

test('integrations need all of their settings, and say which are missing', () => {
  expect(loadConfig({}).sentry).toBeUndefined();
  expect(loadConfig({ ARGOCD_URL: 'http://argocd', ARGOCD_AUTH_TOKEN: 't' }).argocd).toEqual({ baseUrl: 'http://argocd', token: 't' });
  expect(() => loadConfig({ SENTRY_URL: 'http://sentry', SENTRY_ORG: 'acme' })).toThrow('Sentry needs SENTRY_URL, SENTRY_AUTH_TOKEN, SENTRY_ORG together: SENTRY_AUTH_TOKEN not set');
  expect(() => loadConfig({ SLACK_CHANNEL_PACE_MS: '-5' })).toThrow("SLACK_CHANNEL_PACE_MS must be a number of milliseconds >= 0, got '-5'");
});

test('the LLM: a current default model, per-incident budgets, and one clear line for a bad budget', () => {
  expect(loadConfig({}).anthropic).toEqual({
    apiKey: undefined, baseUrl: undefined, model: DEFAULT_LLM_MODEL, limits: { maxToolCalls: 8, maxInputTokens: 20_000 }, timeoutMs: 300_000,
  });
  const set = loadConfig({ ANTHROPIC_API_KEY: 'sk-ant-x', LLM_MODEL: 'claude-opus-5', LLM_MAX_TOOL_CALLS: '3', LLM_MAX_INPUT_TOKENS: '8000', LLM_TIMEOUT_MS: '60000' });
  expect(set.anthropic).toMatchObject({ apiKey: 'sk-ant-x', model: 'claude-opus-5', limits: { maxToolCalls: 3, maxInputTokens: 8000 }, timeoutMs: 60_000 });
  expect(() => loadConfig({ LLM_MAX_TOOL_CALLS: 'many' })).toThrow("LLM_MAX_TOOL_CALLS must be a whole number from 0 to 50, got 'many'");
  expect(() => loadConfig({ LLM_MAX_INPUT_TOKENS: '-5' })).toThrow(/LLM_MAX_INPUT_TOKENS must be a whole number/);
});

test('a default remediation policy from POLICY_* variables, checked at start', () => {
  expect(loadConfig({}).policy).toBeUndefined();
  expect(loadConfig({ POLICY_ALLOWED_ACTIONS: 'pods_delete, deployments_scale', POLICY_NAMESPACES: 'shop,team-*', POLICY_SECOND_APPROVER: 'false' }).policy)
    .toEqual({ allowedActions: ['pods_delete', 'deployments_scale'], namespaces: ['shop', 'team-*'], secondApproverForDestructive: false });
  expect(() => loadConfig({ POLICY_ALLOWED_ACTIONS: 'nuke' })).toThrow('POLICY_* variables: allowedActions has unknown actions: "nuke"');
  expect(() => loadConfig({ POLICY_SECOND_APPROVER: 'maybe' })).toThrow("POLICY_SECOND_APPROVER must be true or false, got 'maybe'");
});

test('worker tuning: absent unless WORKER_* is set (the SDK decides), and one clear line for a bad value', () => {
  expect(loadConfig({}).worker).toEqual({});
  expect(loadConfig({ WORKER_MAX_CACHED_WORKFLOWS: '100', WORKER_MAX_CONCURRENT_ACTIVITIES: '20', WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: '10' }).worker)
    .toEqual({ maxCachedWorkflows: 100, maxConcurrentActivityTaskExecutions: 20, maxConcurrentWorkflowTaskExecutions: 10 });
  expect(loadConfig({ WORKER_MAX_CACHED_WORKFLOWS: '0', WORKER_MAX_CONCURRENT_ACTIVITIES: ' ' }).worker).toEqual({ maxCachedWorkflows: 0 });
  expect(() => loadConfig({ WORKER_MAX_CACHED_WORKFLOWS: 'lots' })).toThrow("WORKER_MAX_CACHED_WORKFLOWS must be a whole number >= 0, got 'lots'");
  expect(() => loadConfig({ WORKER_MAX_CONCURRENT_ACTIVITIES: '0' })).toThrow("WORKER_MAX_CONCURRENT_ACTIVITIES must be a whole number >= 1, got '0'");
  expect(() => loadConfig({ WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: '1' })).toThrow("WORKER_MAX_CONCURRENT_WORKFLOW_TASKS must be a whole number >= 2, got '1'");
  expect(() => loadConfig({ WORKER_MAX_CONCURRENT_ACTIVITIES: '2.5' })).toThrow(/WORKER_MAX_CONCURRENT_ACTIVITIES must be a whole number/);
});
