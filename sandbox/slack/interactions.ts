import { randomBytes, randomUUID } from 'node:crypto';
import { signSlackRequest } from './signature.js';
import { slackMessage } from './slack-shapes.js';
import type { ResponseUrls } from './response-url.js';
import type { SlackStore } from './store.js';
import type { EmulatedMessage, StoredChannel } from './types.js';

/** What a person does in Slack, delivered to the app as Slack would: signed POSTs to `${appUrl}/slack/events`. */

export const EVENTS_PATH = '/slack/events';

interface Button {
  blockId: string;
  element: Record<string, unknown>;
}

export interface PostUserMessageOptions {
  channel: string;
  text: string;
  userId?: string;
  botId?: string;
  threadTs?: string;
  attachments?: unknown[];
  blocks?: unknown[];
}

export class AppLink {
  appUrl?: string;
  /** Socket Mode: while the app holds a connection, requests go over it instead of HTTP, as Slack does. */
  socket?: { readonly connected: number; deliver(body: string, contentType: string, headers: Record<string, string>): Promise<Response> };

  constructor(
    private readonly store: SlackStore,
    private readonly signingSecret: string,
    private readonly responseUrls: ResponseUrls,
    private readonly baseUrl: () => string,
  ) {}

  async signedPost(
    path: string,
    body: string,
    contentType: string,
    extraHeaders: Record<string, string> = {},
  ): Promise<Response> {
    if (this.socket?.connected) return await this.socket.deliver(body, contentType, extraHeaders);
    if (!this.appUrl)
      throw new Error('SlackEmulator has no appUrl: pass appUrl or call setAppUrl() before sending to the app');
    const timestamp = Math.floor(Date.now() / 1000);
    return await fetch(new URL(path, this.appUrl), {
      method: 'POST',
      body,
      headers: {
        'content-type': contentType,
        'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
        'x-slack-request-timestamp': String(timestamp),
        'x-slack-signature': signSlackRequest(this.signingSecret, timestamp, body),
        ...extraHeaders,
      },
    });
  }

  async sendEvent(
    event: Record<string, unknown>,
    opts: { retryNum?: number; eventId?: string } = {},
  ): Promise<Response> {
    const { teamId, appId, botUserId } = this.store.opts;
    const envelope = {
      token: 'sandbox-verification-token',
      team_id: teamId,
      api_app_id: appId,
      event: { event_ts: this.store.clock.next(), ...event },
      type: 'event_callback',
      event_id: opts.eventId ?? `Ev${randomBytes(5).toString('hex').toUpperCase()}`,
      event_time: Math.floor(Date.now() / 1000),
      authorizations: [
        { enterprise_id: null, team_id: teamId, user_id: botUserId, is_bot: true, is_enterprise_install: false },
      ],
      is_ext_shared_channel: false,
    };
    const retry: Record<string, string> =
      opts.retryNum === undefined
        ? {}
        : { 'x-slack-retry-num': String(opts.retryNum), 'x-slack-retry-reason': 'http_timeout' };
    return await this.signedPost(EVENTS_PATH, JSON.stringify(envelope), 'application/json', retry);
  }

  async clickButton(opts: { channel: string; ts: string; actionId: string; userId: string }): Promise<Response> {
    const channel = this.channelOf(opts.channel);
    const message = this.store.find(channel.id, opts.ts);
    if (!message) throw new Error(`clickButton: no message ${opts.ts} in channel ${opts.channel}`);
    const button = findButton(message, opts.actionId);
    if (!button) {
      const available =
        allButtons(message)
          .map((b) => String(b.element.action_id))
          .join(', ') || 'none';
      throw new Error(`clickButton: no button "${opts.actionId}" in message ${opts.ts} (buttons: ${available})`);
    }
    const { teamId, teamName, appId } = this.store.opts;
    const ephemeral = !!message.ephemeralFor;
    const container: Record<string, unknown> = {
      type: 'message',
      message_ts: message.ts,
      channel_id: channel.id,
      is_ephemeral: ephemeral,
    };
    if (message.threadTs) container.thread_ts = message.threadTs;
    const payload = {
      type: 'block_actions',
      user: this.userPayload(opts.userId),
      api_app_id: appId,
      token: 'sandbox-verification-token',
      container,
      trigger_id: `${Date.now()}.${randomBytes(4).readUInt32BE()}.${randomBytes(16).toString('hex')}`,
      team: { id: teamId, domain: teamName.toLowerCase().replace(/[^a-z0-9]+/g, '-') },
      enterprise: null,
      is_enterprise_install: false,
      // Slack names every DM 'directmessage' in interaction payloads.
      channel: { id: channel.id, name: channel.kind === 'im' ? 'directmessage' : channel.name },
      // Slack leaves the message out when the click happened on an ephemeral message.
      ...(ephemeral ? {} : { message: slackMessage(this.store, message, this.baseUrl()) }),
      state: { values: {} },
      response_url: this.responseUrls.create(this.baseUrl(), {
        channel: channel.id,
        messageTs: message.ts,
        userId: opts.userId,
      }),
      actions: [
        {
          type: 'button',
          action_id: opts.actionId,
          block_id: button.blockId,
          text: button.element.text,
          value: button.element.value,
          style: button.element.style,
          action_ts: this.store.clock.next(),
        },
      ],
    };
    const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
    return await this.signedPost(EVENTS_PATH, body, 'application/x-www-form-urlencoded');
  }

  async addReaction(opts: { channel: string; ts: string; name: string; userId: string }): Promise<Response> {
    const message = this.reactable(opts.channel, opts.ts);
    if (!this.store.addReaction(message, opts.name, opts.userId)) {
      throw new Error(`addReaction: ${opts.userId} already reacted :${opts.name}: to ${opts.ts}`);
    }
    return await this.sendReactionEvent('reaction_added', message, opts);
  }

  async removeReaction(opts: { channel: string; ts: string; name: string; userId: string }): Promise<Response> {
    const message = this.reactable(opts.channel, opts.ts);
    if (!this.store.removeReaction(message, opts.name, opts.userId)) {
      throw new Error(`removeReaction: ${opts.userId} has no :${opts.name}: on ${opts.ts}`);
    }
    return await this.sendReactionEvent('reaction_removed', message, opts);
  }

  async postUserMessage(opts: PostUserMessageOptions): Promise<{ ts: string; response: Response }> {
    const channel = this.channelOf(opts.channel);
    const userId = opts.userId ?? (opts.botId ? undefined : this.store.opts.users[0]?.id);
    const { text, botId, blocks, attachments } = opts;
    const threadTs = opts.threadTs && this.store.find(channel.id, opts.threadTs) ? opts.threadTs : undefined;
    const m = this.store.addMessage({ channel: channel.id, threadTs, text, user: userId, botId, blocks, attachments });
    const event: Record<string, unknown> = {
      type: 'message',
      channel: channel.id,
      text,
      ts: m.ts,
      event_ts: m.ts,
      channel_type: channelType(channel),
      team: this.store.opts.teamId,
      ...(blocks ? { blocks: m.blocks } : {}),
      ...(attachments ? { attachments } : {}),
    };
    if (botId) Object.assign(event, { subtype: 'bot_message', bot_id: botId, ...(userId ? { user: userId } : {}) });
    else Object.assign(event, { user: userId, client_msg_id: randomUUID() });
    if (threadTs)
      Object.assign(event, { thread_ts: m.threadTs, parent_user_id: this.store.find(channel.id, threadTs)?.user });
    return { ts: m.ts, response: await this.sendEvent(event) };
  }

  /** A person types `/command text` in a channel: Slack posts the form-encoded command payload to the app. */
  async runSlashCommand(opts: { channel: string; userId: string; text: string; command?: string }): Promise<Response> {
    const channel = this.channelOf(opts.channel);
    const { teamId, teamName } = this.store.opts;
    const form = new URLSearchParams({
      token: 'sandbox-verification-token',
      team_id: teamId,
      team_domain: teamName.toLowerCase().replace(/[^a-z0-9]+/g, '-'),
      channel_id: channel.id,
      channel_name: channel.kind === 'im' ? 'directmessage' : channel.name,
      user_id: opts.userId,
      user_name: this.store.userName(opts.userId),
      command: opts.command ?? '/lookout',
      text: opts.text,
      api_app_id: this.store.opts.appId,
      is_enterprise_install: 'false',
      // A command has no message of its own: replies through response_url are ephemeral messages to the person.
      response_url: this.responseUrls.create(this.baseUrl(), { channel: channel.id, messageTs: '', userId: opts.userId }),
      trigger_id: `${Date.now()}.${randomBytes(4).readUInt32BE()}.${randomBytes(16).toString('hex')}`,
    });
    return await this.signedPost(EVENTS_PATH, form.toString(), 'application/x-www-form-urlencoded');
  }

  private sendReactionEvent(
    type: string,
    m: EmulatedMessage,
    opts: { name: string; userId: string },
  ): Promise<Response> {
    return this.sendEvent({
      type,
      user: opts.userId,
      reaction: opts.name,
      item_user: m.user,
      item: { type: 'message', channel: m.channel, ts: m.ts },
    });
  }

  private reactable(channel: string, ts: string): EmulatedMessage {
    const message = this.store.find(this.channelOf(channel).id, ts);
    if (!message || message.ephemeralFor) throw new Error(`no message ${ts} in channel ${channel}`);
    return message;
  }

  private channelOf(ref: string): StoredChannel {
    const channel = this.store.channel(ref);
    if (!channel) throw new Error(`unknown channel ${ref}`);
    return channel;
  }

  private userPayload(userId: string): Record<string, unknown> {
    const user = this.store.users.get(userId);
    if (!user) throw new Error(`unknown user ${userId}`);
    return { id: user.id, username: user.name, name: user.name, team_id: this.store.opts.teamId };
  }
}

function channelType(c: StoredChannel): string {
  if (c.kind !== 'channel') return c.kind;
  return c.isPrivate ? 'group' : 'channel';
}

/** Buttons live in actions blocks, as section accessories, and in blocks inside attachments. */
function allButtons(m: EmulatedMessage): Button[] {
  const attachmentBlocks = (m.attachments ?? []).flatMap((a) => (a as { blocks?: unknown[] }).blocks ?? []);
  const out: Button[] = [];
  for (const raw of [...(m.blocks ?? []), ...attachmentBlocks]) {
    const block = raw as { block_id?: string; elements?: unknown[]; accessory?: unknown };
    const candidates = [...(Array.isArray(block.elements) ? block.elements : []), block.accessory];
    for (const el of candidates) {
      const element = el as Record<string, unknown> | undefined;
      if (element?.type === 'button') out.push({ blockId: block.block_id ?? '', element });
    }
  }
  return out;
}

function findButton(m: EmulatedMessage, actionId: string): Button | undefined {
  return allButtons(m).find((b) => b.element.action_id === actionId);
}
