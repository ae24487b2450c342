import type { WebClient } from '@slack/web-api';
import { botScopes } from '../core/slack-scopes.js';
import type { ListenerDeps } from './listeners/index.js';


interface SelfCheckInput {
  client: WebClient;
  teamId: string;
  botUserId?: string;
  deps: ListenerDeps;
}

type Line = { ok: boolean | 'warn'; text: string };
const mark = (l: Line) => (l.ok === 'warn' ? ':warning:' : l.ok ? ':white_check_mark:' : ':x:');

/** `@Lookout test`: what works and, for anything that does not, what to do about it. */
export async function runSelfCheck({ client, teamId, deps }: SelfCheckInput): Promise<string> {
  const lines: Line[] = [];
  lines.push(...(await checkToken(client)));
  lines.push(...(await checkChannels(client, teamId, deps)));
  for (const [name, check] of Object.entries(deps.checks)) {
    try {
      await check();
      lines.push({ ok: true, text: `${name === 'postgres' ? 'PostgreSQL' : 'Temporal'} answers` });
    } catch (err) {
      lines.push({ ok: false, text: `${name === 'postgres' ? 'PostgreSQL' : 'Temporal'} does not answer: ${(err as Error).message}` });
    }
  }
  lines.push(...integrations(deps));
  const failed = lines.filter((l) => l.ok === false).length;
  const head = failed ? `*Lookout self-check: ${failed} problem${failed > 1 ? 's' : ''} to fix*` : '*Lookout self-check: all good*';
  return [head, ...lines.map((l) => `${mark(l)} ${l.text}`)].join('\n');
}

async function checkToken(client: WebClient): Promise<Line[]> {
  try {
    const auth = await client.auth.test();
    const lines: Line[] = [{ ok: true, text: `Bot token valid (workspace ${auth.team ?? auth.team_id}, bot <@${auth.user_id}>)` }];
    const granted = auth.response_metadata?.scopes;
    if (!granted) return [...lines, { ok: 'warn', text: 'Could not read the granted scopes from Slack' }];
    const missing = Object.keys(botScopes).filter((s) => !granted.includes(s));
    lines.push(missing.length
      ? { ok: false, text: `Missing scopes: ${missing.map((s) => `\`${s}\` (${botScopes[s]})`).join(', ')}. Add them in the app's OAuth settings (or slack/manifest.yml) and reinstall.` }
      : { ok: true, text: `All ${Object.keys(botScopes).length} scopes granted` });
    return lines;
  } catch (err) {
    const code = (err as { data?: { error?: string } }).data?.error ?? (err as Error).message;
    return [{ ok: false, text: `Bot token rejected (${code}): reinstall the app or fix SLACK_BOT_TOKEN` }];
  }
}

async function checkChannels(client: WebClient, teamId: string, deps: ListenerDeps): Promise<Line[]> {
  const settings = await deps.store.workspaceSettings(teamId);
  const channels = [...new Set([...(deps.config.alertsChannel ? [deps.config.alertsChannel] : []), ...deps.config.alertChannels, ...settings.alertChannels])];
  if (!channels.length) return [{ ok: false, text: 'No alert channel is set: set ALERTS_CHANNEL / ALERT_CHANNELS or choose channels in settings' }];
  return await Promise.all(channels.map(async (channel): Promise<Line> => {
    try {
      const info = await client.conversations.info({ channel });
      const name = info.channel?.name ? `#${info.channel.name}` : channel;
      return info.channel?.is_member
        ? { ok: true, text: `Member of ${name}` }
        : { ok: false, text: `Not a member of ${name}: invite @Lookout with /invite @Lookout there` };
    } catch (err) {
      const code = (err as { data?: { error?: string } }).data?.error ?? (err as Error).message;
      return { ok: false, text: code === 'channel_not_found' ? `Channel ${channel} not found: check the channel ID, or invite @Lookout to that private channel` : `Channel ${channel}: ${code}` };
    }
  }));
}

function integrations({ config }: ListenerDeps): Line[] {
  const item = (name: string, configured: boolean, how: string): Line =>
    configured ? { ok: true, text: `${name} configured` } : { ok: 'warn', text: `${name} not configured (${how})` };
  return [
    item('Kubernetes', Boolean(config.kubeconfig || process.env.KUBERNETES_SERVICE_HOST), 'set KUBECONFIG or run in a pod'),
    item('Prometheus', Boolean(config.prometheusUrl), 'set PROMETHEUS_URL'),
    item('Sentry', Boolean(config.sentry), 'set SENTRY_URL, SENTRY_AUTH_TOKEN and SENTRY_ORG'),
    item('ArgoCD', Boolean(config.argocd), 'set ARGOCD_URL and ARGOCD_AUTH_TOKEN'),
    item('LLM', Boolean(config.anthropic.apiKey), 'set ANTHROPIC_API_KEY; the built-in runbook analyser is used meanwhile'),
  ];
}
