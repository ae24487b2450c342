import { parsePolicy, type StoredPolicy } from './policy.js';
import path from 'node:path';
import { parseEncryptionKey } from './crypto.js';

/** Everything configurable, read once from the environment (CONTRACT section 2). Unset means the embedded default. */
export interface Config {
  port: number;
  dataDir: string;
  temporal: { address?: string; namespace: string; taskQueue: string; uiUrl: string };
  databaseUrl?: string;
  slack: {
    signingSecret?: string;
    botToken?: string;
    clientId?: string;
    clientSecret?: string;
    stateSecret?: string;
    appToken?: string;
    apiUrl: string;
  };
  /** The slash command Lookout answers (must match the app's manifest). */
  slashCommand: string;
  /** Minimum spacing of Lookout's new messages in one channel (Slack allows about one per second). */
  slackChannelPaceMs: number;
  alertChannels: string[];
  alertsChannel?: string;
  approvers: string[];
  /** Anyone may approve: only ever set by the sandbox, never by a real deployment's defaults. */
  approveAnyone: boolean;
  /** The sandbox (`npm start` without Slack credentials): its settings page is open, like the rest of it. */
  sandbox: boolean;
  alertWebhookToken?: string;
  /** Single-workspace and Socket modes: the token an admin signs in to the settings page with (ADMIN_TOKEN). */
  adminToken?: string;
  encryptionKey?: string;
  prometheusUrl?: string;
  sentry?: { baseUrl: string; token: string; org: string };
  argocd?: { baseUrl: string; token: string };
  kubeconfig?: string;
  /** A line added to every Slack message, e.g. to say it comes from the sandbox. */
  banner?: string;
  /** The remediation policy for workspaces without their own (POLICY_*); validated at start. */
  policy?: StoredPolicy;
  /** How incidents wait for people: reminders, escalation, the proposals' time to live, verification, storms. */
  incidents: {
    reminderEveryMs: number;
    escalateAfterReminders: number;
    approvalTtlMs: number;
    verifyAfterMs: number;
    /** 0 turns storm grouping off. */
    stormWindowMs: number;
  };
  anthropic: {
    apiKey?: string;
    baseUrl?: string;
    model: string;
    /** Per incident: read-only tool calls and input tokens the agent may use, and how long it may take. */
    limits: { maxToolCalls: number; maxInputTokens: number };
    timeoutMs: number;
  };
  /** Temporal worker options (WORKER_*), named as the SDK names them; a key is absent when unset (the SDK's default). */
  worker: WorkerTuning;
}

export interface WorkerTuning {
  maxCachedWorkflows?: number;
  maxConcurrentActivityTaskExecutions?: number;
  maxConcurrentWorkflowTaskExecutions?: number;
}

const list = (value: string | undefined) => (value ?? '').split(',').map((s) => s.trim()).filter(Boolean);
/** An integration needs all of its settings; some but not all is a mistake worth one clear line at start-up. */
function allOrNothing<T extends Record<string, string | undefined>>(name: string, values: T, vars: string[]): { [K in keyof T]: string } | undefined {
  const missing = vars.filter((_, i) => Object.values(values)[i] === undefined);
  if (missing.length === vars.length) return undefined;
  if (missing.length) throw new Error(`${name} needs ${vars.join(', ')} together: ${missing.join(', ')} not set`);
  return values as { [K in keyof T]: string };
}

function nonNegative(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value.trim() === '') return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a number of milliseconds >= 0, got '${value}'`);
  return n;
}
function wholeNumber(value: string | undefined, fallback: number, name: string, max: number): number {
  if (value === undefined || value.trim() === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > max) throw new Error(`${name} must be a whole number from 0 to ${max}, got '${value}'`);
  return n;
}

/** WORKER_* variables; the minimums are the SDK's (it would otherwise raise a workflow-task limit under 2 with a mere warning). */
function workerTuning(env: NodeJS.ProcessEnv): WorkerTuning {
  const tuning: WorkerTuning = {};
  const settings = [
    ['WORKER_MAX_CACHED_WORKFLOWS', 'maxCachedWorkflows', 0],
    ['WORKER_MAX_CONCURRENT_ACTIVITIES', 'maxConcurrentActivityTaskExecutions', 1],
    ['WORKER_MAX_CONCURRENT_WORKFLOW_TASKS', 'maxConcurrentWorkflowTaskExecutions', 2],
  ] as const;
  for (const [name, key, min] of settings) {
    const value = opt(env[name]);
    if (value === undefined) continue;
    if (!/^\d+$/.test(value) || Number(value) < min) throw new Error(`${name} must be a whole number >= ${min}, got '${value}'`);
    tuning[key] = Number(value);
  }
  return tuning;
}

/** POLICY_ALLOWED_ACTIONS, POLICY_NAMESPACES, POLICY_SECOND_APPROVER: undefined when none is set. */
function policyFromEnv(env: NodeJS.ProcessEnv): StoredPolicy | undefined {
  const actions = opt(env.POLICY_ALLOWED_ACTIONS);
  const namespaces = opt(env.POLICY_NAMESPACES);
  const second = opt(env.POLICY_SECOND_APPROVER);
  if (!actions && !namespaces && !second) return undefined;
  if (second && !['true', 'false'].includes(second)) throw new Error(`POLICY_SECOND_APPROVER must be true or false, got '${second}'`);
  const stored: StoredPolicy = {
    ...(actions ? { allowedActions: list(actions) as StoredPolicy['allowedActions'] } : {}),
    ...(namespaces ? { namespaces: list(namespaces) } : {}),
    ...(second ? { secondApproverForDestructive: second === 'true' } : {}),
  };
  const parsed = parsePolicy(stored);
  if (!parsed.ok) throw new Error(`POLICY_* variables: ${parsed.problems.join('; ')}`);
  return stored;
}

/** The model asked when LLM_MODEL is unset. */
export const DEFAULT_LLM_MODEL = 'claude-sonnet-5';

const opt = (value: string | undefined) => (value && value.trim() !== '' ? value.trim() : undefined);

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a TCP port number, got '${env.PORT}'`);
  const alertChannels = list(env.ALERT_CHANNELS);
  const encryptionKey = opt(env.ENCRYPTION_KEY);
  if (encryptionKey) parseEncryptionKey(encryptionKey);
  const config: Config = {
    port,
    dataDir: path.resolve(env.LOOKOUT_DATA_DIR ?? '.data'),
    temporal: {
      address: opt(env.TEMPORAL_ADDRESS),
      namespace: opt(env.TEMPORAL_NAMESPACE) ?? 'default',
      taskQueue: opt(env.TEMPORAL_TASK_QUEUE) ?? 'incidents',
      uiUrl: (opt(env.TEMPORAL_UI_URL) ?? 'http://localhost:8233').replace(/\/$/, ''),
    },
    databaseUrl: opt(env.DATABASE_URL),
    slack: {
      signingSecret: opt(env.SLACK_SIGNING_SECRET),
      botToken: opt(env.SLACK_BOT_TOKEN),
      clientId: opt(env.SLACK_CLIENT_ID),
      clientSecret: opt(env.SLACK_CLIENT_SECRET),
      stateSecret: opt(env.SLACK_STATE_SECRET),
      appToken: opt(env.SLACK_APP_TOKEN),
      apiUrl: opt(env.SLACK_API_URL) ?? 'https://slack.com/api/',
    },
    slackChannelPaceMs: nonNegative(env.SLACK_CHANNEL_PACE_MS, 1000, 'SLACK_CHANNEL_PACE_MS'),
    slashCommand: `/${(opt(env.SLACK_COMMAND) ?? 'lookout').replace(/^\//, '')}`,
    alertChannels,
    alertsChannel: opt(env.ALERTS_CHANNEL) ?? alertChannels[0],
    approvers: list(env.APPROVERS),
    approveAnyone: false,
    sandbox: false,
    alertWebhookToken: opt(env.ALERT_WEBHOOK_TOKEN),
    adminToken: opt(env.ADMIN_TOKEN),
    encryptionKey,
    prometheusUrl: opt(env.PROMETHEUS_URL),
    sentry: allOrNothing('Sentry', { baseUrl: opt(env.SENTRY_URL), token: opt(env.SENTRY_AUTH_TOKEN), org: opt(env.SENTRY_ORG) },
      ['SENTRY_URL', 'SENTRY_AUTH_TOKEN', 'SENTRY_ORG']),
    argocd: allOrNothing('ArgoCD', { baseUrl: opt(env.ARGOCD_URL), token: opt(env.ARGOCD_AUTH_TOKEN) }, ['ARGOCD_URL', 'ARGOCD_AUTH_TOKEN']),
    kubeconfig: opt(env.KUBECONFIG),
    banner: opt(env.LOOKOUT_BANNER),
    policy: policyFromEnv(env),
    incidents: {
      reminderEveryMs: wholeNumber(env.REMINDER_INTERVAL_MS, 30 * 60_000, 'REMINDER_INTERVAL_MS', 7 * 86_400_000) || 30 * 60_000,
      escalateAfterReminders: wholeNumber(env.ESCALATE_AFTER_REMINDERS, 2, 'ESCALATE_AFTER_REMINDERS', 100),
      approvalTtlMs: wholeNumber(env.APPROVAL_TTL_MS, 86_400_000, 'APPROVAL_TTL_MS', 30 * 86_400_000) || 86_400_000,
      verifyAfterMs: wholeNumber(env.VERIFY_AFTER_MS, 120_000, 'VERIFY_AFTER_MS', 86_400_000),
      stormWindowMs: wholeNumber(env.STORM_WINDOW_MS, 600_000, 'STORM_WINDOW_MS', 86_400_000),
    },
    anthropic: {
      apiKey: opt(env.ANTHROPIC_API_KEY),
      baseUrl: opt(env.ANTHROPIC_BASE_URL),
      model: opt(env.LLM_MODEL) ?? DEFAULT_LLM_MODEL,
      limits: {
        maxToolCalls: wholeNumber(env.LLM_MAX_TOOL_CALLS, 8, 'LLM_MAX_TOOL_CALLS', 50),
        maxInputTokens: wholeNumber(env.LLM_MAX_INPUT_TOKENS, 20_000, 'LLM_MAX_INPUT_TOKENS', 1_000_000),
      },
      timeoutMs: wholeNumber(env.LLM_TIMEOUT_MS, 300_000, 'LLM_TIMEOUT_MS', 3_600_000),
    },
    worker: workerTuning(env),
  };
  // A half-configured Slack fails here, at start, rather than on the first event.
  slackMode(config.slack);
  return config;
}

/** How Lookout meets Slack (CONTRACT section 2); the same listeners run in each. */
export type SlackMode =
  | { kind: 'single'; signingSecret: string; botToken: string }
  | { kind: 'oauth'; signingSecret: string; clientId: string; clientSecret: string; stateSecret: string }
  | { kind: 'socket'; appToken: string; botToken: string };

/**
 * The mode the Slack variables select, undefined when none is set (sandbox), or an error naming what to fix.
 * Socket Mode serves one workspace: OAuth installs need Slack to reach /slack/oauth_redirect over HTTP anyway.
 */
export function slackMode(slack: Config['slack']): SlackMode | undefined {
  const { signingSecret, botToken, clientId, clientSecret, stateSecret, appToken } = slack;
  const oauthVars = { SLACK_CLIENT_ID: clientId, SLACK_CLIENT_SECRET: clientSecret, SLACK_STATE_SECRET: stateSecret };
  const missingOauth = Object.entries(oauthVars).filter(([, v]) => !v).map(([k]) => k);
  const oauth = missingOauth.length < 3;
  if (appToken) {
    if (!appToken.startsWith('xapp-')) throw new Error('SLACK_APP_TOKEN must be an app-level token (xapp-...) with the connections:write scope');
    if (oauth) throw new Error('Socket Mode (SLACK_APP_TOKEN) serves one workspace: set SLACK_BOT_TOKEN and unset SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET');
    if (!botToken) throw new Error('Socket Mode needs SLACK_BOT_TOKEN (xoxb-...) as well as SLACK_APP_TOKEN');
    return { kind: 'socket', appToken, botToken };
  }
  if (oauth) {
    if (missingOauth.length) throw new Error(`OAuth mode needs SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET together: ${missingOauth.join(', ')} not set`);
    if (botToken) throw new Error('SLACK_BOT_TOKEN and SLACK_CLIENT_ID are both set: use SLACK_BOT_TOKEN for one workspace or the SLACK_CLIENT_* variables for OAuth installs, not both');
    if (!signingSecret) throw new Error('OAuth mode needs SLACK_SIGNING_SECRET too, to verify the requests Slack sends');
    return { kind: 'oauth', signingSecret, clientId: clientId!, clientSecret: clientSecret!, stateSecret: stateSecret! };
  }
  if (botToken && !signingSecret) throw new Error('SLACK_BOT_TOKEN is set but SLACK_SIGNING_SECRET is not: set it (Basic Information in the app settings), or SLACK_APP_TOKEN for Socket Mode');
  if (signingSecret && !botToken) throw new Error('SLACK_SIGNING_SECRET is set but SLACK_BOT_TOKEN is not: set it, or SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET for OAuth installs');
  return signingSecret && botToken ? { kind: 'single', signingSecret, botToken } : undefined;
}

/** The mode, or the one line that says how to configure Slack. */
export function requireSlackMode(slack: Config['slack']): SlackMode {
  const mode = slackMode(slack);
  if (!mode) throw new Error('Slack is not configured: set SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN (or see README for OAuth and Socket Mode), or run `npm start` for the sandbox');
  return mode;
}

/** Slack's web pages live beside its Web API: https://slack.com/api/ -> https://slack.com/oauth/v2/authorize. */
export function slackAuthorizeUrl(apiUrl: string): string {
  return new URL('../oauth/v2/authorize', apiUrl.endsWith('/') ? apiUrl : `${apiUrl}/`).toString();
}

export function temporalUiLink(config: Config['temporal'], workflowId: string): string {
  return `${config.uiUrl}/namespaces/${encodeURIComponent(config.namespace)}/workflows/${encodeURIComponent(workflowId)}`;
}
