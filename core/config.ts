import path from 'node:path';

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
  alertChannels: string[];
  alertsChannel?: string;
  approvers: string[];
  /** Anyone may approve: only ever set by the sandbox, never by a real deployment's defaults. */
  approveAnyone: boolean;
  alertWebhookToken?: string;
  encryptionKey?: string;
  prometheusUrl?: string;
  kubeconfig?: string;
  /** A line added to every Slack message, e.g. to say it comes from the sandbox. */
  banner?: string;
  anthropic: { apiKey?: string; baseUrl?: string; model: string };
}

const list = (value: string | undefined) => (value ?? '').split(',').map((s) => s.trim()).filter(Boolean);
const opt = (value: string | undefined) => (value && value.trim() !== '' ? value.trim() : undefined);

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a TCP port number, got '${env.PORT}'`);
  const alertChannels = list(env.ALERT_CHANNELS);
  return {
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
    alertChannels,
    alertsChannel: opt(env.ALERTS_CHANNEL) ?? alertChannels[0],
    approvers: list(env.APPROVERS),
    approveAnyone: false,
    alertWebhookToken: opt(env.ALERT_WEBHOOK_TOKEN),
    encryptionKey: opt(env.ENCRYPTION_KEY),
    prometheusUrl: opt(env.PROMETHEUS_URL),
    kubeconfig: opt(env.KUBECONFIG),
    banner: opt(env.LOOKOUT_BANNER),
    anthropic: { apiKey: opt(env.ANTHROPIC_API_KEY), baseUrl: opt(env.ANTHROPIC_BASE_URL), model: opt(env.LLM_MODEL) ?? 'claude-sonnet-4-5' },
  };
}

export function temporalUiLink(config: Config['temporal'], workflowId: string): string {
  return `${config.uiUrl}/namespaces/${encodeURIComponent(config.namespace)}/workflows/${encodeURIComponent(workflowId)}`;
}
