import { ApplicationFailure } from '@temporalio/activity';
import type { WebClient } from '@slack/web-api';
import type { Alert } from '../core/alert.js';
import type { ReportView } from '../core/incident.js';
import { reportLinks, type LinkUrls } from '../core/links.js';
import type { Metrics } from '../core/metrics.js';
import type { ChartSeries } from '../core/chart-series.js';
import { renderChartPng } from './chart-render.js';
import type { ChannelPacer } from './slack-pacing.js';
import { renderAlertMessage, renderReport } from '../core/slack-blocks.js';

/** The Web API methods Lookout's activities use; a WebClient satisfies it, and so does a test double. */
export type SlackApi = {
  chat: Pick<WebClient['chat'], 'postMessage' | 'update' | 'postEphemeral'>;
  reactions: Pick<WebClient['reactions'], 'add' | 'remove'>;
  filesUploadV2: WebClient['filesUploadV2'];
};

export interface SlackDeps {
  /** The client for a workspace (one bot token in single-workspace mode, the installation's in OAuth mode). */
  slackFor(teamId?: string): Promise<SlackApi>;
  auditUrl(workflowId: string): string;
  /** Appended to every message, e.g. to mark the sandbox. */
  banner?: string;
  metrics?: Metrics;
  /** Per-channel pacing of new messages; none in tests that do not care. */
  pacer?: ChannelPacer;
  /** Prometheus, Sentry and ArgoCD UIs the report links to, when configured. */
  links?: LinkUrls;
}

type ReportInput = Omit<ReportView, 'auditUrl'>;

/** Slack errors that no retry can fix: fail the activity at once with what to do about it. */
const permanent: Record<string, string> = {
  channel_not_found: 'the channel does not exist or the bot cannot see it: check the channel ID',
  not_in_channel: 'the bot is not a member of the channel: /invite @Lookout there',
  is_archived: 'the channel is archived: route alerts to another channel',
  invalid_auth: 'the bot token is invalid: reinstall the app or fix SLACK_BOT_TOKEN',
  not_authed: 'no bot token was sent: set SLACK_BOT_TOKEN or install the app',
  account_inactive: 'the bot token belongs to a deactivated app or user: reinstall the app',
  token_revoked: 'the bot token was revoked: reinstall the app',
  missing_scope: 'the app lacks a required scope: reinstall it with the scopes in slack/manifest.yml',
  invalid_blocks: 'Slack rejected the message layout',
  msg_too_long: 'the message is too long for Slack',
};

function slackError(err: unknown): string | undefined {
  return (err as { data?: { error?: string } })?.data?.error;
}

async function call<T>(what: string, fn: () => Promise<T>, tolerate: string[] = []): Promise<T | undefined> {
  try {
    return await fn();
  } catch (err) {
    const code = slackError(err);
    if (code && tolerate.includes(code)) return undefined;
    const retryAfter = (err as { code?: string; retryAfter?: number }).retryAfter;
    if ((err as { code?: string }).code === 'slack_webapi_rate_limited_error' && retryAfter) {
      // Slack said when to come back: let Temporal wait exactly that long instead of its own backoff.
      throw ApplicationFailure.create({ message: `Slack ${what} rate limited`, type: 'SlackRateLimited', nextRetryDelay: `${retryAfter}s` });
    }
    if (code && permanent[code]) throw ApplicationFailure.nonRetryable(`Slack ${what} failed (${code}): ${permanent[code]}`, 'SlackError');
    throw err;
  }
}

export function createSlackActivities({ slackFor, auditUrl, banner, metrics, pacer, links }: SlackDeps) {
  const report = (view: ReportInput) => renderReport({
    ...view, auditUrl: auditUrl(view.workflowId), links: [...reportLinks(view.alert, links), ...(view.links ?? [])],
  }, banner);
  const pace = (teamId: string | undefined, channel: string) => pacer?.waitForSlot(teamId, channel);

  async function postText({ channel, threadTs, text, teamId }: { channel: string; threadTs?: string; text: string; teamId?: string }) {
    const slack = await slackFor(teamId);
    const blocks = [
      { type: 'section', text: { type: 'mrkdwn', text } },
      ...(banner ? [{ type: 'context', elements: [{ type: 'mrkdwn', text: banner }] }] : []),
    ];
    await pace(teamId, channel);
    const res = await call('chat.postMessage', () => slack.chat.postMessage({ channel, thread_ts: threadTs, text, blocks }));
    return { ts: res!.ts! };
  }

  return {
    async postAlert({ channel, alert, teamId }: { channel: string; alert: Alert; teamId?: string }) {
      const slack = await slackFor(teamId);
      await pace(teamId, channel);
      const res = await call('chat.postMessage', () => slack.chat.postMessage({ channel, ...renderAlertMessage(alert, banner) }));
      return { channel: res!.channel!, ts: res!.ts! };
    },

    /** Re-renders the alert message with a note under it (an alert storm's live summary). */
    async updateAlert({ channel, ts, alert, note, teamId }: { channel: string; ts: string; alert: Alert; note: string; teamId?: string }) {
      const slack = await slackFor(teamId);
      await call('chat.update', () => slack.chat.update({ channel, ts, ...renderAlertMessage(alert, banner ? `${note}\n${banner}` : note) }));
    },

    async postReport(input: { channel: string; threadTs: string; view: ReportInput; teamId?: string; receivedAt?: string }) {
      const slack = await slackFor(input.teamId);
      const message = report(input.view);
      await pace(input.teamId, input.channel);
      const res = await call('chat.postMessage', () => slack.chat.postMessage({ channel: input.channel, thread_ts: input.threadTs, ...message }));
      metrics?.reportsPosted.inc();
      if (input.receivedAt) metrics?.reportLatency.observe((Date.now() - Date.parse(input.receivedAt)) / 1000);
      return { ts: res!.ts! };
    },

    /** Redraws the report; with receivedAt it is the first time the report is shown (it replaced "Investigating…"). */
    async updateReport(input: { channel: string; ts: string; view: ReportInput; teamId?: string; receivedAt?: string }) {
      const slack = await slackFor(input.teamId);
      const message = report(input.view);
      await call('chat.update', () => slack.chat.update({ channel: input.channel, ts: input.ts, ...message }));
      if (input.receivedAt) {
        metrics?.reportsPosted.inc();
        metrics?.reportLatency.observe((Date.now() - Date.parse(input.receivedAt)) / 1000);
      }
    },

    async postThreadMessage(input: { channel: string; threadTs: string; text: string; teamId?: string }) {
      return await postText(input);
    },

    /** A plain message in a channel, or in a thread when threadTs is given. */
    async postChannelMessage(input: { channel: string; threadTs?: string; text: string; teamId?: string }) {
      return await postText(input);
    },

    /** Only the user sees it; a user outside the channel simply does not get it. */
    async postEphemeral(input: { channel: string; user: string; text: string; threadTs?: string; teamId?: string }) {
      const slack = await slackFor(input.teamId);
      await call(
        'chat.postEphemeral',
        () => slack.chat.postEphemeral({ channel: input.channel, user: input.user, text: input.text, thread_ts: input.threadTs }),
        ['user_not_in_channel'],
      );
    },

    /** Text too long for a message (logs, command output) goes to the thread as a file. */
    async uploadThreadFile(input: { channel: string; threadTs: string; filename: string; title: string; content: string; teamId?: string }) {
      const slack = await slackFor(input.teamId);
      await call('files.uploadV2', () => slack.filesUploadV2({
        channel_id: input.channel, thread_ts: input.threadTs, filename: input.filename, title: input.title,
        file: Buffer.from(input.content, 'utf8'),
      }));
    },

    /** The alert's metric over the last hour as a PNG chart in the thread. */
    async uploadChart(input: { channel: string; threadTs: string; title: string; series: ChartSeries[]; threshold?: number; teamId?: string }) {
      const slack = await slackFor(input.teamId);
      const png = renderChartPng({ title: input.title.slice(0, 120), series: input.series, threshold: input.threshold });
      await call('files.uploadV2', () => slack.filesUploadV2({
        channel_id: input.channel, thread_ts: input.threadTs, filename: 'metric.png', title: input.title.slice(0, 200), file: png,
      }));
    },

    async addReaction({ channel, ts, name, teamId }: { channel: string; ts: string; name: string; teamId?: string }) {
      const slack = await slackFor(teamId);
      await call('reactions.add', () => slack.reactions.add({ channel, timestamp: ts, name }), ['already_reacted']);
    },

    async removeReaction({ channel, ts, name, teamId }: { channel: string; ts: string; name: string; teamId?: string }) {
      const slack = await slackFor(teamId);
      await call('reactions.remove', () => slack.reactions.remove({ channel, timestamp: ts, name }), ['no_reaction']);
    },
  };
}
