import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { slackId } from './store.js';
import type { SlackStore } from './store.js';
import type { IncomingWebhook, WebhookFailure } from './types.js';

/**
 * Incoming webhooks: `POST <emulator>/services/T…/B…/<secret>` with a JSON message posts into the hook's channel.
 * Slack answers in plain text: `ok`, or an error word with a status (no_service 404, invalid_token 403, …).
 */

interface Hook extends IncomingWebhook {
  secret: string;
}

/** A received post, whether it was accepted or refused. */
export interface WebhookDelivery {
  url: string;
  status: number;
  body: string;
  payload?: unknown;
  ts?: string;
}

export class IncomingWebhooks {
  private readonly hooks = new Map<string, Hook>();
  private readonly failures = new Map<string, { spec: WebhookFailure; remaining: number }>();
  readonly deliveries: WebhookDelivery[] = [];

  constructor(
    private readonly store: SlackStore,
    private readonly baseUrl: () => string,
  ) {}

  /** A new webhook posting to `channel` (an ID, a name or '#name'), as installing with incoming-webhook makes one. */
  create(opts: { channel: string; teamId?: string }): IncomingWebhook {
    const channel = this.store.channel(opts.channel);
    if (!channel || channel.kind !== 'channel') throw new Error(`no channel ${opts.channel} to attach a webhook to`);
    const teamId = opts.teamId ?? this.store.opts.teamId;
    const botId = slackId('B');
    const secret = randomBytes(12).toString('hex');
    const hook: Hook = {
      url: `${this.baseUrl()}/services/${teamId}/${botId}/${secret}`,
      teamId,
      channel: `#${channel.name}`,
      channelId: channel.id,
      configurationUrl: `${this.baseUrl()}/services/${botId}`,
      botId,
      revoked: false,
      secret,
    };
    this.hooks.set(botId, hook);
    return this.view(hook);
  }

  list(): IncomingWebhook[] {
    return [...this.hooks.values()].map((h) => this.view(h));
  }

  /** Removes a webhook, as a person does in the app's settings or as uninstalling does; posts then get invalid_token. */
  revoke(url: string): void {
    const hook = this.byUrl(url);
    if (!hook) throw new Error(`unknown webhook ${url}`);
    hook.revoked = true;
  }

  revokeTeam(teamId: string): void {
    for (const hook of this.hooks.values()) if (hook.teamId === teamId) hook.revoked = true;
  }

  /** The next `times` posts to this webhook get `spec` instead of being posted. */
  failNext(url: string, spec: WebhookFailure, times = 1): void {
    if (!this.byUrl(url)) throw new Error(`unknown webhook ${url}`);
    this.failures.set(url, { spec, remaining: times });
  }

  /** `rest` is what follows /services/ in the path. */
  receive(res: ServerResponse, rest: string, contentType: string | undefined, body: Buffer): void {
    const [teamId, botId, secret] = rest.split('/');
    const hook = botId ? this.hooks.get(botId) : undefined;
    const url = hook ? hook.url : `${this.baseUrl()}/services/${rest}`;
    const answer = (status: number, text: string, extra: Partial<WebhookDelivery> = {}, headers = {}) => {
      this.deliveries.push({ url, status, body: text, ...extra });
      res.writeHead(status, { 'content-type': 'text/html', ...headers });
      res.end(text);
    };
    if (!hook || hook.teamId !== teamId) return answer(404, 'no_service');
    if (hook.secret !== secret || hook.revoked) return answer(403, 'invalid_token');
    const failure = this.takeFailure(url);
    if (failure) {
      const headers = failure.retryAfter === undefined ? {} : { 'retry-after': String(failure.retryAfter) };
      return answer(failure.status, failure.body, {}, headers);
    }
    const payload = parsePayload(contentType, body);
    if (!payload) return answer(400, 'invalid_payload');
    const channel = this.store.channels.get(hook.channelId);
    if (!channel) return answer(404, 'channel_not_found');
    if (channel.isArchived) return answer(410, 'channel_is_archived');
    const { text, blocks, attachments, thread_ts: threadTs } = payload;
    if (blocks !== undefined && !validBlocks(blocks)) return answer(400, 'invalid_blocks');
    if (attachments !== undefined && !Array.isArray(attachments)) return answer(400, 'invalid_attachments');
    const hasText = typeof text === 'string' && text !== '';
    if (!hasText && !(blocks as unknown[] | undefined)?.length && !(attachments as unknown[] | undefined)?.length) {
      return answer(400, 'no_text');
    }
    const parent = typeof threadTs === 'string' ? this.store.find(channel.id, threadTs) : undefined;
    const m = this.store.addMessage({
      channel: channel.id,
      threadTs: parent ? threadTs as string : undefined,
      text: hasText ? text : '',
      botId: hook.botId,
      blocks: blocks as unknown[] | undefined,
      attachments: attachments as unknown[] | undefined,
    });
    answer(200, 'ok', { payload, ts: m.ts });
  }

  private byUrl(url: string): Hook | undefined {
    return [...this.hooks.values()].find((h) => h.url === url);
  }

  private takeFailure(url: string): WebhookFailure | undefined {
    const failure = this.failures.get(url);
    if (!failure) return undefined;
    failure.remaining -= 1;
    if (failure.remaining <= 0) this.failures.delete(url);
    return failure.spec;
  }

  private view(hook: Hook): IncomingWebhook {
    const { url, teamId, channel, channelId, configurationUrl, botId, revoked } = hook;
    return { url, teamId, channel, channelId, configurationUrl, botId, revoked };
  }
}

/** JSON, or a form with `payload=<json>`, the two bodies Slack's webhooks take. */
function parsePayload(contentType: string | undefined, body: Buffer): Record<string, unknown> | undefined {
  const text = body.toString('utf8');
  try {
    const json = contentType?.includes('application/x-www-form-urlencoded')
      ? new URLSearchParams(text).get('payload')
      : text;
    const parsed: unknown = JSON.parse(json ?? '');
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function validBlocks(blocks: unknown): boolean {
  const valid = (b: unknown) => !!b && typeof b === 'object' && typeof (b as { type?: unknown }).type === 'string';
  return Array.isArray(blocks) && blocks.length <= 50 && blocks.every(valid);
}
