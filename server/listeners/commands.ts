import type { App } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { helpText, parseCommand, type Command } from '../../core/commands.js';
import { temporalUiLink } from '../../core/config.js';
import { manualAlert } from '../alerts/manual.js';
import { describeAuditEvent, type AuditEvent } from '../audit.js';
import { runSelfCheck } from '../self-check.js';
import type { ListenerDeps } from './index.js';


/** Where a command came from and how to answer it. */
export interface CommandContext {
  teamId: string;
  channel: string;
  userId: string;
  /** Unique per request, so a retried delivery does nothing twice. */
  requestId: string;
  threadTs?: string;
  client: WebClient;
  botUserId?: string;
}

/** How many of the workspace's latest audit events `/lookout status` shows. */
const STATUS_AUDIT_EVENTS = 5;

/** The listener deps, plus the audit read that `/lookout status` shows when the store offers it. */
export type CommandDeps = Omit<ListenerDeps, 'store'> & {
  store: ListenerDeps['store'] & { recentAudit?: (teamId: string, limit: number) => Promise<AuditEvent[]> };
};

/** `/lookout ...`, `@Lookout ...` and DMs to the bot all land here. Answers are plain mrkdwn text. */
export async function runCommand(command: Command, ctx: CommandContext, deps: CommandDeps): Promise<string> {
  switch (command.kind) {
    case 'help':
      return helpText;
    case 'invalid':
      return `:warning: ${command.problem}`;
    case 'diagnose': {
      const blocked = await whyCannotPost(ctx.client, ctx.channel);
      if (blocked) return blocked;
      const alert = manualAlert({ ...ctx, text: command.text, namespace: command.namespace, pod: command.pod });
      const { outcome } = await deps.incidents.open(alert, { channel: ctx.channel, teamId: ctx.teamId });
      const what = command.pod ? `\`${command.namespace}/${command.pod}\`` : 'that';
      return outcome === 'duplicate' ? 'Already on it.' : `:mag: Diagnosing ${what}; the report will be posted in this channel.`;
    }
    case 'status': {
      const [open, audit] = await Promise.all([
        deps.store.openIncidents(ctx.channel),
        deps.store.recentAudit?.(ctx.teamId, STATUS_AUDIT_EVENTS) ?? [],
      ]);
      const lines = open.map((i) => `• *${i.alert_name}* (${i.severity}${i.namespace ? `, ${i.namespace}` : ''}): ${i.status.replace('_', ' ')}, `
        + `since ${i.created_at.toISOString().slice(0, 16).replace('T', ' ')} UTC · <${temporalUiLink(deps.config.temporal, i.workflow_id)}|audit trail>`);
      const incidents = open.length
        ? [`*${open.length} open incident${open.length > 1 ? 's' : ''} in this channel*`, ...lines]
        : ['No open incidents in this channel.'];
      const recent = audit.length ? ['*Recent activity in this workspace*', ...audit.map((e) => `• ${describeAuditEvent(e)}`)] : [];
      return [...incidents, ...recent].join('\n');
    }
    case 'remind': {
      const blocked = await whyCannotPost(ctx.client, ctx.channel);
      if (blocked) return blocked;
      const { outcome } = await deps.incidents.remind(
        { teamId: ctx.teamId, channel: ctx.channel, userId: ctx.userId, text: command.text, delayMs: command.delayMs, threadTs: ctx.threadTs },
        `${ctx.teamId}-${ctx.requestId}`,
      );
      return outcome === 'duplicate' ? 'That reminder is already set.' : `:alarm_clock: OK, I will remind you in ${command.delayText}: ${command.text}`;
    }
    case 'approvers': {
      if (deps.config.approveAnyone) return 'Anyone can approve remediations here (sandbox).';
      const settings = await deps.store.workspaceSettings(ctx.teamId);
      const ids = [...new Set([...deps.config.approvers, ...settings.approvers])];
      if (!ids.length) return 'Nobody can approve remediations yet: set `APPROVERS` (Slack user or user-group IDs) or add approvers in Lookout\'s settings.';
      return `Approvers: ${ids.map((id) => (id.startsWith('S') ? `<!subteam^${id}>` : `<@${id}>`)).join(', ')}`;
    }
    case 'test':
      return await runSelfCheck({ client: ctx.client, teamId: ctx.teamId, botUserId: ctx.botUserId, deps });
  }
}

/**
 * Whether Lookout will be able to post its answer here; a person waiting for a report hears now, not never. Public
 * channels need no membership (chat:write.public); private ones do.
 */
async function whyCannotPost(client: WebClient, channel: string): Promise<string | undefined> {
  const invite = ':warning: I am not in this private channel, so I could not post here: invite me with `/invite @Lookout`, then ask again.';
  try {
    const { channel: info } = await client.conversations.info({ channel });
    return info?.is_private && !info.is_member && !info.is_im ? invite : undefined;
  } catch (err) {
    const code = (err as { data?: { error?: string; needed?: string } }).data;
    if (code?.error === 'channel_not_found') return invite;
    if (code?.error === 'missing_scope') return `:warning: I lack the \`${code.needed ?? 'channels:read'}\` scope to check this channel: reinstall the app with the scopes in slack/manifest.yml.`;
    return undefined;
  }
}

export function registerCommands(app: App, deps: CommandDeps): void {
  app.command(deps.config.slashCommand, async ({ ack, command, respond, client, context, logger }) => {
    await ack();
    const ctx: CommandContext = {
      teamId: command.team_id, channel: command.channel_id, userId: command.user_id, requestId: command.trigger_id,
      client, botUserId: context.botUserId,
    };
    await answer(() => runCommand(parseCommand(command.text), ctx, deps), (text) => respond({ response_type: 'ephemeral', text }), logger);
  });

  app.event('app_mention', async ({ event, say, client, context, logger }) => {
    const threadTs = event.thread_ts ?? event.ts;
    const ctx: CommandContext = {
      teamId: context.teamId ?? event.team ?? '', channel: event.channel, userId: event.user ?? '', requestId: event.ts,
      threadTs, client, botUserId: context.botUserId,
    };
    await answer(() => runCommand(parseCommand(event.text), ctx, deps), (text) => say({ text, thread_ts: threadTs }), logger);
  });

  app.message(async ({ message, say, client, context, logger }) => {
    // Direct messages to the bot are commands; channel messages are for the alert watcher.
    if (message.channel_type !== 'im' || message.subtype !== undefined || !('user' in message) || message.user === context.botUserId) return;
    const ctx: CommandContext = {
      teamId: context.teamId ?? '', channel: message.channel, userId: message.user, requestId: message.ts, client, botUserId: context.botUserId,
    };
    await answer(() => runCommand(parseCommand(message.text ?? ''), ctx, deps), (text) => say(text), logger);
  });
}

async function answer(
  run: () => Promise<string>, reply: (text: string) => Promise<unknown>, logger: { error(...m: unknown[]): void },
): Promise<void> {
  try {
    await reply(await run());
  } catch (err) {
    logger.error('command failed', err);
    await reply(':x: Lookout could not do that: its workflow service or database did not answer. Try again in a minute; `/lookout test` shows what is down.')
      .catch((e) => logger.error('could not answer', e));
  }
}
